import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/model.js';
import { renderFeed, type FeedSpec } from '../../src/publish/feeds.js';
import { recorder } from '../helpers.js';

const site = { baseUrl: 'https://example.org', language: 'en' };
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

describe('renderFeed stays well formed whatever the input', () => {
  const hostile = article({
    title: 'Ends ]]> twice ]]> and <b>tags</b> & \u0001control\uFFFE chars',
    summary: 'a ]]> b ]]> c \u0000',
    content: '<p>one ]]> two ]]> three \u0008</p>',
    tags: [{ slug: 'lt', label: 'a<b & "c"' }],
    author: 'Jo <jo@example.org>',
  });

  it.each(['rss', 'atom'] as const)('%s parses back with the same text', async (format) => {
    const xml = renderFeed(format, spec, [hostile], site, recorder());
    const feed = await parser.parseString(xml);
    const item = feed.items[0]!;
    // RSS titles are text; Atom titles are written as type="html", so they come back escaped.
    expect(item.title).toBe(
      format === 'rss'
        ? 'Ends ]] > twice ]] > and <b>tags</b> & control chars'
        : 'Ends ]]&gt; twice ]]&gt; and &lt;b&gt;tags&lt;/b&gt; &amp; control chars',
    );
    expect(xml).not.toMatch(/[\u0000\u0001\u0008\uFFFE]/);
    const content = format === 'rss' ? (item as Record<string, string>)['content:encoded'] : item.content;
    expect(content).toBe('<p>one ]]&gt; two ]]&gt; three </p>');
  });

  it('json is JSON Feed 1.1 with authors and attachments', () => {
    const json = JSON.parse(
      renderFeed('json', spec, [article({ author: 'Jo', enclosures: [{ url: 'https://example.org/a.mp3', type: 'audio/mpeg', length: 42 }] })], site, recorder()),
    );
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe('https://example.org/all.json');
    expect(json.items[0]).toMatchObject({
      id: 'urn:tidings:article:aaaaaaaaaaaaaaaa',
      url: 'https://example.org/articles/aaaaaaaaaaaaaaaa',
      title: 'A title',
      summary: 'Summary',
      content_html: '<p>Body</p>',
      date_published: '2024-01-18T11:08:24.000Z',
      authors: [{ name: 'Jo' }],
      tags: ['A'],
      attachments: [{ url: 'https://example.org/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 42 }],
    });
    expect(json.items[0].author).toBeUndefined();
  });

  it.each(['rss', 'atom', 'json'] as const)('%s skips and logs an item it cannot render, keeps the rest', async (format) => {
    const log = recorder();
    const bad = article({ id: 'bbbbbbbbbbbbbbbb', title: 'Bad', link: 'not a url' });
    const out = renderFeed(format, spec, [article(), bad], site, log);
    const titles =
      format === 'json' ? JSON.parse(out).items.map((i: { title: string }) => i.title) : (await parser.parseString(out)).items.map((i) => i.title);
    expect(titles).toEqual(['A title']);
    expect(log.lines[0]).toMatch(/skipped article bbbbbbbbbbbbbbbb in all\./);
  });

  it('feeds are newest-updated and deterministic', () => {
    const a = renderFeed('rss', spec, [article()], site, recorder());
    expect(renderFeed('rss', spec, [article()], site, recorder())).toBe(a);
    expect(a).toContain('<lastBuildDate>Thu, 18 Jan 2024 11:08:24 GMT</lastBuildDate>');
  });
});
