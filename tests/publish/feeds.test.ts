import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { parseStringPromise } from 'xml2js';
import type { Article } from '../../src/model.js';
import { renderFeed, type FeedSpec, type SiteInfo } from '../../src/publish/feeds.js';
import type { FeedFormat } from '../../src/publish/routes.js';
import { renderArticlePage } from '../../src/publish/html.js';
import { renderOpml } from '../../src/publish/opml.js';
import { feedId, siteUrl } from '../../src/publish/urls.js';
import { recorder } from '../helpers.js';

const site: SiteInfo = { baseUrl: 'https://example.org', title: 'Example site', language: 'en' };
const spec: FeedSpec = { path: 'all', page: '', title: 'All', description: 'Everything' };

function article(over: Partial<Article> = {}): Article {
  return {
    id: 'aaaaaaaaaaaaaaaa',
    source: 's',
    identity: 'x',
    title: 'A title',
    published: new Date('2024-01-18T11:08:24Z'),
    updated: new Date('2024-01-18T11:08:24Z'),
    summary: 'Summary',
    content: '<p>Body</p>',
    tags: [{ slug: 'a', label: 'A' }],
    enclosures: [],
    contentHash: 'h',
    ...over,
  };
}

const parser = new Parser({ customFields: { item: ['content:encoded'] } });
const render = (format: FeedFormat, articles: Article[], feedSpec = spec) =>
  renderFeed(format, feedSpec, articles, site, recorder());
/** A strict XML parse: throws on anything not well formed. */
const xml = (text: string) => parseStringPromise(text, { strict: true });
// XML 1.0 §2.2: outside Char, or a control it discourages, or a lone surrogate.
const UNWRITABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Each format's one item, read back: title, link, guid, content HTML. */
async function readBack(format: FeedFormat, articles: Article[]) {
  const out = render(format, articles);
  if (format === 'json') {
    return (JSON.parse(out).items as Record<string, string>[]).map((i) => ({
      title: i.title,
      link: i.url,
      guid: i.id,
      content: i.content_html,
    }));
  }
  const feed = await parser.parseString(out);
  return feed.items.map((i) => ({
    title: i.title,
    link: i.link,
    guid: i.guid ?? (i as { id?: string }).id,
    content: format === 'rss' ? i['content:encoded'] : i.content,
  }));
}

describe('renderFeed stays well formed whatever the input', () => {
  const hostile = article({
    title: 'Ends ]]> twice ]]> and <b>tags</b> & \u0001control\uFFFE\u0085\ud800 chars',
    summary: 'a ]]> b ]]> c \u0000',
    content: '<p>one ]]> two ]]> three \u0008</p>',
    tags: [{ slug: 'lt', label: 'a<b & "c"\u0001' }],
    author: 'Jo <jo@example.org>\u009c',
    enclosures: [{ url: 'https://example.org/a\u0001b.mp3', type: 'audio/mpeg\u0000' }],
  });

  it.each(['rss', 'atom'] as const)(
    '%s parses strictly and back with the same text, less the characters no XML may carry',
    async (format) => {
      const out = render(format, [hostile]);
      await expect(xml(out)).resolves.toBeTruthy();
      expect(out).not.toMatch(UNWRITABLE);
      const item = (await parser.parseString(out)).items[0]!;
      // RSS titles are text; Atom titles are written as type="html", so they come back escaped.
      expect(item.title).toBe(
        format === 'rss'
          ? 'Ends ]]> twice ]]> and <b>tags</b> & control chars'
          : 'Ends ]]&gt; twice ]]&gt; and &lt;b&gt;tags&lt;/b&gt; &amp; control chars',
      );
      const content = format === 'rss' ? item['content:encoded'] : item.content;
      expect(content).toBe('<p>one ]]> two ]]> three </p>');
    },
  );

  it('json holds no character a JSON reader may refuse, not even escaped', () => {
    const out = render('json', [hostile]);
    const strings: string[] = [];
    JSON.parse(out, (_key, value) => (typeof value === 'string' && strings.push(value), value));
    expect(strings.filter((s) => UNWRITABLE.test(s))).toEqual([]);
    expect(JSON.parse(out).items[0].title).toBe('Ends ]]> twice ]]> and <b>tags</b> & control chars');
  });

  it('json is JSON Feed 1.1 with authors and attachments', () => {
    const json = JSON.parse(
      render('json', [
        article({ author: 'Jo', enclosures: [{ url: 'https://example.org/a.mp3', type: 'audio/mpeg', length: 42 }] }),
      ]),
    );
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe('https://example.org/all.json');
    expect(json.authors).toEqual([{ name: 'Example site' }]);
    expect(json.language).toBe('en');
    expect(json.items[0]).toMatchObject({
      id: 'urn:tidings:article:aaaaaaaaaaaaaaaa',
      url: 'https://example.org/articles/aaaaaaaaaaaaaaaa.html',
      title: 'A title',
      summary: 'Summary',
      content_html: '<p>Body</p>',
      date_published: '2024-01-18T11:08:24.000Z',
      authors: [{ name: 'Jo' }],
      tags: ['A'],
      attachments: [{ url: 'https://example.org/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 42 }],
    });
    expect(json.items[0].author).toBeUndefined();
    expect(json.author).toBeUndefined();
  });

  it.each(['rss', 'atom', 'json'] as const)(
    '%s logs and leaves out an article no format can carry (a date that is none), keeps the rest',
    async (format) => {
      const log = recorder();
      const bad = article({ id: 'bbbbbbbbbbbbbbbb', title: 'Bad', published: new Date(Number.NaN) });
      const out = renderFeed(format, spec, [article(), bad], site, log);
      const titles =
        format === 'json'
          ? JSON.parse(out).items.map((i: { title: string }) => i.title)
          : (await parser.parseString(out)).items.map((i) => i.title);
      expect(titles).toEqual(['A title']);
      expect(log.lines[0]).toMatch(/skipped article bbbbbbbbbbbbbbbb in all\./);
    },
  );

  it.each(['rss', 'atom', 'json'] as const)(
    '%s: a link no reader could follow gives way to the article page; the guid stays',
    async (format) => {
      const items = await readBack(format, [
        article({ link: 'not a url' }),
        article({ id: 'cccccccccccccccc', link: 'javascript:alert(1)' }),
      ]);
      expect(items.map((i) => [i.link, i.guid])).toEqual([
        // The article's page as tidings build names it, so that a plain web server has it too.
        ['https://example.org/articles/aaaaaaaaaaaaaaaa.html', 'urn:tidings:article:aaaaaaaaaaaaaaaa'],
        ['https://example.org/articles/cccccccccccccccc.html', 'urn:tidings:article:cccccccccccccccc'],
      ]);
    },
  );

  it('feeds are newest-updated and deterministic', () => {
    const a = render('rss', [article()]);
    expect(render('rss', [article()])).toBe(a);
    expect(a).toContain('<lastBuildDate>Thu, 18 Jan 2024 11:08:24 GMT</lastBuildDate>');
  });
});

describe('what validators and readers require, filled in at render time', () => {
  it('RSS names an author in dc:creator (its <author> is an e-mail address); Atom entries inherit the site as author', async () => {
    const articles = [article({ author: 'Transit desk' }), article({ id: 'cccccccccccccccc' })];
    const rss = (await xml(render('rss', articles))).rss.channel[0].item;
    expect(rss.map((i: Record<string, unknown>) => [i.author, i['dc:creator']])).toEqual([
      [undefined, ['Transit desk']],
      [undefined, undefined],
    ]);
    const atom = (await xml(render('atom', articles))).feed;
    expect(atom.author).toEqual([{ name: ['Example site'] }]);
    expect(atom.entry.map((e: { author?: unknown }) => e.author)).toEqual([[{ name: ['Transit desk'] }], undefined]);
  });

  it.each([
    // url, stored type, stored length → type, RSS length
    ['https://cdn.example.org/e/1.mp3', undefined, undefined, 'audio/mpeg', '0'],
    ['https://cdn.example.org/e/1.MP4', 'not a type', 12, 'video/mp4', '12'],
    ['https://cdn.example.org/get?episode=2', '', undefined, 'application/octet-stream', '0'],
    ['https://cdn.example.org/e/file.constructor', undefined, -5, 'application/octet-stream', '0'],
    ['https://cdn.example.org/e/1.ogg', 'audio/ogg; codecs=opus', 99, 'audio/ogg; codecs=opus', '99'],
  ])(
    'an enclosure %s (type %j, length %j) is written with type %s and RSS length %s',
    async (url, type, length, expectedType, rssLength) => {
      const articles = [article({ enclosures: [{ url, type, length }] })];
      const rss = (await xml(render('rss', articles))).rss.channel[0].item[0].enclosure[0].$;
      expect(rss).toEqual({ url, type: expectedType, length: rssLength });
      const atom = (await xml(render('atom', articles))).feed.entry[0].link
        .map((l: { $: Record<string, string> }) => l.$)
        .find((l: { rel: string }) => l.rel === 'enclosure');
      expect(atom).toEqual({
        rel: 'enclosure',
        href: url,
        type: expectedType,
        ...(rssLength === '0' ? {} : { length: rssLength }),
      });
      const json = JSON.parse(render('json', articles)).items[0].attachments;
      expect(json).toEqual([
        { url, mime_type: expectedType, ...(rssLength === '0' ? {} : { size_in_bytes: Number(rssLength) }) },
      ]);
    },
  );

  it('an enclosure without a usable URL is left out', async () => {
    const rss = (await xml(render('rss', [article({ enclosures: [{ url: 'not a url', type: 'audio/mpeg' }] })]))).rss
      .channel[0].item[0];
    expect(rss.enclosure).toBeUndefined();
  });

  it.each([
    ['', 'First one. Second one.', '<p>Body.</p>', 'First one.'],
    ['  \u0001\u0085 ', '', '<p>From the body. More.</p>', 'From the body.'],
    ['', '', '', 'Untitled'],
  ])('title %j (summary %j, content %j) is written as %j', async (title, summary, content, expected) => {
    for (const format of ['rss', 'atom', 'json'] as const) {
      const [item] = await readBack(format, [article({ title, summary, content })]);
      expect(item!.title, format).toBe(expected);
    }
  });

  it.each(['rss', 'atom', 'json'] as const)(
    "%s: relative links in content are made absolute against the article's link, or its page",
    async (format) => {
      const content =
        '<p>Say href="x" in text. <a href="../other.html?a=1&amp;b=2">a</a> <a href="/about">b</a> <a href="#n">c</a> <img src="images/c.png" alt="d"> <a href="https://abs.example/x">e</a> <a href="mailto:me@example.org">f</a></p><blockquote cite="q/1">g</blockquote>';
      const [linked, unlinked] = await readBack(format, [
        article({ link: 'https://news.example.org/2024/01/story.html', content }),
        article({ id: 'cccccccccccccccc', content: '<p><a href="/about">b</a> <a href="notes/1">c</a></p>' }),
      ]);
      expect(linked!.content).toBe(
        '<p>Say href="x" in text. <a href="https://news.example.org/2024/other.html?a=1&amp;b=2">a</a> <a href="https://news.example.org/about">b</a> <a href="https://news.example.org/2024/01/story.html#n">c</a> <img src="https://news.example.org/2024/01/images/c.png" alt="d"> <a href="https://abs.example/x">e</a> <a href="mailto:me@example.org">f</a></p><blockquote cite="https://news.example.org/2024/01/q/1">g</blockquote>',
      );
      expect(unlinked!.content).toBe(
        '<p><a href="https://example.org/about">b</a> <a href="https://example.org/articles/notes/1">c</a></p>',
      );
    },
  );
});

describe('URLs and ids, whatever a slug holds', () => {
  // RFC 2141: "urn:" NID ":" NSS; NID 1–32 letters, digits, "-" (not first); NSS the chars below or %XX.
  const RFC_2141 = /^urn:[a-z0-9][a-z0-9-]{0,31}:([a-z0-9()+,\-.:=@;$_!*']|%[0-9a-f]{2})+$/i;

  it('feed ids are RFC 2141 URNs, one per path; the site feed keeps the id it always had', () => {
    const paths = [
      'all',
      'tags/climate',
      'sources/climate',
      'tags/são-paulo',
      'tags/a:b',
      'tags/a~b',
      'tags/television-&-radio',
      'tags/x\u0000y\ud800',
    ];
    const ids = paths.map(feedId);
    for (const id of ids) expect(id).toMatch(RFC_2141);
    expect(new Set(ids).size).toBe(paths.length);
    expect(feedId('all')).toBe('urn:tidings:feed:all');
  });

  it.each([
    ['tags/television-&-radio.rss', 'https://example.org/tags/television-%26-radio.rss'],
    ['tags/q&a #1?.atom', 'https://example.org/tags/q%26a%20%231%3F.atom'],
    ['tags/são-paulo', 'https://example.org/tags/s%C3%A3o-paulo'],
    ['tags/x\u0000\ud800y', 'https://example.org/tags/xy'],
    ['', 'https://example.org/'],
  ])('the site URL of %j is %s', (path, url) => {
    expect(siteUrl(site, path)).toBe(url);
  });

  it('a tag feed links itself percent-encoded in every format', async () => {
    const tagSpec: FeedSpec = {
      path: 'tags/television-&-radio',
      page: 'tags/television-&-radio',
      title: 'T',
      description: 'D',
    };
    const self = (f: string) => `https://example.org/tags/television-%26-radio.${f}`;
    const rss = (await xml(render('rss', [article()], tagSpec))).rss.channel[0];
    expect(rss['atom:link'][0].$.href).toBe(self('rss'));
    expect(rss.link[0]).toBe('https://example.org/tags/television-%26-radio');
    const atom = (await xml(render('atom', [article()], tagSpec))).feed;
    expect(atom.link.map((l: { $: { href: string } }) => l.$.href)).toContain(self('atom'));
    expect(JSON.parse(render('json', [article()], tagSpec)).feed_url).toBe(self('json'));
  });

  it('an article page links tags percent-encoded, names a tag no URL can carry without a link, and makes links absolute', () => {
    const page = renderArticlePage(
      { path: 'articles/aaaaaaaaaaaaaaaa.html', site },
      {
        article: article({
          link: 'https://news.example.org/a/b.html',
          content: '<p><a href="c.html">c</a></p>',
          tags: [
            { slug: 'television-&-radio', label: 'television & radio' },
            { slug: 'a\u0000b', label: 'a\u0000b' },
          ],
        }),
        source: { name: 's', title: 'S', linked: true },
        also: [],
      },
    );
    // Relative to the page, as every link of an HTML page is.
    expect(page).toContain('<a href="../tags/television-%26-radio.html">television &amp; radio</a><span>ab</span></p>');
    expect(page).toContain('<a href="https://news.example.org/a/c.html">c</a>');
    expect(page).not.toMatch(UNWRITABLE);
  });

  it('OPML attributes hold any title, escaped, less the characters no XML may carry', async () => {
    const opml = renderOpml('Subs <&> "\u0001', [
      { title: 'a<b & "c"\u0000\n', xmlUrl: 'https://x.example/f?a=1&b=2', folders: ['x\u0085"<'] },
    ]);
    expect(opml).not.toMatch(UNWRITABLE);
    const doc = await xml(opml);
    expect(doc.opml.head[0].title[0]).toBe('Subs <&> "');
    expect(doc.opml.body[0].outline[0].$).toEqual({ text: 'x"<', title: 'x"<' });
    expect(doc.opml.body[0].outline[0].outline[0].$).toEqual({
      type: 'rss',
      text: 'a<b & "c"\n',
      title: 'a<b & "c"\n',
      xmlUrl: 'https://x.example/f?a=1&b=2',
    });
  });
});
