// Issue 20, point 10: what the trial's feeds credit and link. Reuters' FeedBurner items carry
// feedburner:origLink, Google Alerts wraps every link in google.com/url, and the Japan Times names
// its managingEditor on the channel, who wrote none of its 46 articles.
import { describe, expect, it } from 'vitest';
import { freeName } from '../../src/config/source-name.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

const normalized = async (xml: string) =>
  normalizeFeed(await parseFeed(Buffer.from(xml)), { now: new Date('2024-06-01T00:00:00Z') }).entries;

const rss = (channel: string, item: string) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>${channel}<item>${item}</item></channel></rss>`;

describe('links', () => {
  it('takes feedburner:origLink over the FeedBurner redirect (Reuters)', async () => {
    const [e] = await normalized(
      rss(
        '',
        '<title>a</title><link>http://feeds.reuters.com/~r/reuters/topNews/~3/abc/story01.htm</link><guid isPermaLink="false">x1</guid><feedburner:origLink>https://www.reuters.com/article/us-story-idUSKBN1</feedburner:origLink>',
      ),
    );
    expect(e!.link).toBe('https://www.reuters.com/article/us-story-idUSKBN1');
  });

  it('takes feedburner:origLink in Atom too', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>T</title><id>t</id><updated>2024-01-01T00:00:00Z</updated>
      <entry><id>e</id><title>a</title><updated>2024-01-01T00:00:00Z</updated><link href="http://feedproxy.google.com/~r/x/~3/y/"/><feedburner:origLink>https://blog.example.org/post</feedburner:origLink></entry></feed>`;
    expect((await normalized(atom))[0]!.link).toBe('https://blog.example.org/post');
  });

  it.each([
    [
      'https://www.google.com/url?rct=j&sa=t&url=https://www.example.com/news/story%3Fid%3D7&ct=ga&cd=CAE&usg=AOv',
      'https://www.example.com/news/story?id=7',
    ],
    ['https://www.google.co.uk/url?q=https://example.org/a&sa=U', 'https://example.org/a'],
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fb&h=AT0', 'https://example.org/b'],
    ['https://www.google.com/url?url=javascript:alert(1)', 'https://www.google.com/url?url=javascript:alert(1)'],
    ['https://www.google.com/search?q=https://example.org/', 'https://www.google.com/search?q=https://example.org/'],
  ])('unwraps the redirect wrapper %s', async (link, expected) => {
    const [e] = await normalized(
      rss('', `<title>a</title><guid isPermaLink="false">g</guid><link>${link.replaceAll('&', '&amp;')}</link>`),
    );
    expect(e!.link).toBe(expected);
  });
});

describe('authors', () => {
  it("never credits the channel's managingEditor or webMaster with an item (the Japan Times)", async () => {
    const [e] = await normalized(
      rss(
        '<managingEditor>editor@japantimes.co.jp (Japan Times Editor)</managingEditor><webMaster>web@japantimes.co.jp</webMaster>',
        '<title>a</title><guid>https://jt.example/1</guid>',
      ),
    );
    expect(e!.author).toBeUndefined();
  });

  it("still gives an item the channel's itunes:author or dc:creator (a podcast's host)", async () => {
    const xml = rss(
      '<itunes:author xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">Ann Host</itunes:author>',
      '<title>a</title><guid>https://p.example/1</guid>',
    );
    expect((await normalized(xml))[0]!.author).toBe('Ann Host');
  });
});

describe('generated source names', () => {
  it.each([
    ['Daily Telegraph International Correspondents Blog', 'daily-telegraph-international'],
    ['Supercalifragilisticexpialidocious and the rest of it all', 'supercalifragilisticexpialidocious-and'],
    ['Supercalifragilisticexpialidociousandtherest', 'supercalifragilisticexpialidociousandthe'],
  ])('never cuts %s mid-word', (title, name) => {
    const made = freeName(title, 'x.example', new Set());
    expect(made).toBe(name);
    expect(made.length).toBeLessThanOrEqual(40);
  });
});
