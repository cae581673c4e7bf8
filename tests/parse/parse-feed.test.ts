// One small fixture per quirk; each row says what a good feed reader makes of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotAFeedError, ParseError } from '../../src/errors.js';
import { parseView } from '../../src/normalize/parse-view.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed, type FeedDocument } from '../../src/parse/parse-feed.js';
import { readEntries } from '../../src/parse/read-entries.js';
import { FIXTURES } from '../helpers.js';

const bytes = (name: string) => readFileSync(join(FIXTURES, name));
const parse = async (name: string, doc = {}) => parseView(await parseFeed(bytes(`quirks/${name}`), doc));
/** What the store gets: the entries normalized as a refresh normalizes them. */
const normalized = async (name: string, doc: FeedDocument = {}) =>
  normalizeFeed(await parseFeed(bytes(`quirks/${name}`), doc), { now: new Date('2024-06-01T00:00:00Z') }).entries;

describe('formats and fields', () => {
  it('Atom xml:base at feed, entry and element level', async () => {
    const out = await parse('atom-xml-base.xml');
    expect(out.feed.link).toBe('https://example.org/blog/');
    expect(out.entries[0]!.link).toBe('https://example.org/blog/posts/one.html');
    expect(out.entries[0]!.content).toBe(
      '<img src="https://example.org/media/pic.png" /> <a href="https://example.org/about" rel="noopener noreferrer">about</a>',
    );
  });

  it('Atom text, html and xhtml constructs', async () => {
    const out = await parse('atom-content-types.xml');
    expect(out.feed.title).toBe('Tom &amp; Jerry <b>live</b>');
    expect(out.entries.map((e) => [e.title, e.content])).toEqual([
      ['1 < 2', 'a <b> is text'],
      ['html', '<p>para <em>one</em></p>'],
      ['x<b>html</b> title', '<p>Inline <a href="https://e.org/" rel="noopener noreferrer">xhtml</a></p>'],
    ]);
  });

  it('Atom enclosures, authors, categories and dates with offsets', async () => {
    const [e] = (await parse('atom-enclosure-author.xml')).entries;
    expect(e).toMatchObject({
      link: 'https://pod.example.org/1',
      author: 'Ann Host',
      published: '2024-01-17T08:00:00.000Z',
      updated: '2024-01-18T08:00:00.000Z',
      tags: ['tech', 'audio'],
      enclosures: [{ url: 'https://pod.example.org/1.mp3', type: 'audio/mpeg', length: '5000' }],
    });
  });

  it('Atom 0.3: tagline, issued, modified, base64 content', async () => {
    const out = await parse('atom03.xml');
    expect(out).toMatchObject({ format: 'atom', version: '0.3' });
    expect(out.feed).toMatchObject({
      title: 'Old <i>Atom</i>',
      description: 'An Atom 0.3 feed',
      updated: '2004-01-01T19:48:21.000Z',
    });
    expect(out.entries[0]).toMatchObject({ published: '2003-12-31T10:14:55.000Z', content: '<p>Base64</p>' });
  });

  it('RSS guid: isPermaLink defaults to true; a link wins', async () => {
    const out = await parse('rss-guid-permalink.xml');
    expect(out.entries.map((e) => [e.id, e.link])).toEqual([
      ['https://example.org/p/1', 'https://example.org/p/1'],
      ['https://example.org/p/2', null],
      ['https://example.org/p/3', 'https://example.org/l/3'],
    ]);
  });

  it('RSS: several categories, dc:subject, dc:date as published and updated', async () => {
    const [e] = (await parse('rss-categories.xml')).entries;
    expect(e).toMatchObject({
      tags: ['One', 'Two', 'Three'],
      published: '2024-01-18T10:08:24.000Z',
      updated: '2024-01-18T10:08:24.000Z',
    });
  });

  it.each([
    ['rdf.xml', 'rdf', '1.0', 'RDF feed', 'RDF item'],
    ['rss091.xml', 'rss', '0.91', 'Old RSS', 'Item'],
  ])('%s is %s %s', async (name, format, version, title, item) => {
    const out = await parse(name);
    expect(out).toMatchObject({ format, version, feed: { title } });
    expect(out.entries[0]!.title).toBe(item);
  });

  it('JSON Feed 1.1 and 1.0', async () => {
    const v11 = await parse('jsonfeed11.json');
    expect(v11).toMatchObject({ format: 'json', version: '1.1', feed: { title: 'JSON 1.1', language: 'de' } });
    expect(v11.entries[0]).toMatchObject({
      id: '42',
      link: 'https://example.org/42',
      content: '<p>Hi</p>',
      author: 'Douglas',
      tags: ['a', 'b'],
      enclosures: [{ url: 'https://example.org/42.ogg', type: 'audio/ogg', length: '99' }],
    });
    const v10 = await parse('jsonfeed10.json');
    expect(v10.entries[0]).toMatchObject({
      content: 'Only text',
      author: 'Feed Author',
      published: '2024-01-18T11:08:24.000Z',
    });
  });
});

describe('namespaces, not prefixes', () => {
  it('an Atom feed whose elements all carry a prefix is Atom', async () => {
    const out = await parse('atom-prefixed.xml');
    expect(out).toMatchObject({
      format: 'atom',
      version: '1.0',
      feed: { title: 'Prefixed Atom', link: 'https://prefixed.example.com/' },
    });
    expect(out.entries.map((e) => [e.id, e.title, e.link, e.author])).toEqual([
      ['urn:uuid:7a3d0c52-prefixed-1', 'First prefixed entry', 'https://prefixed.example.com/1', 'Pat Prefix'],
      ['urn:uuid:7a3d0c52-prefixed-2', 'Second prefixed entry', 'https://prefixed.example.com/2', null],
    ]);
    expect(out.entries[0]!.content).toBe('<p>Hello <em>there</em></p>');
  });

  it('an RSS 1.0 document with RDF and RSS under prefixes of their own is RDF', async () => {
    const out = await parse('rdf-prefixed.xml');
    expect(out).toMatchObject({
      format: 'rdf',
      version: '1.0',
      feed: { title: 'Prefixed RDF', link: 'https://rdf.example.net/' },
    });
    expect(out.entries).toMatchObject([
      { id: 'https://rdf.example.net/notes/1', title: 'A prefixed item', published: '2024-03-05T12:00:00.000Z' },
    ]);
  });
});

describe('relative links without xml:base', () => {
  it('a file is read against its rel="self" link, as the reader who fetched it would', async () => {
    const out = await parse('atom-relative-links.xml');
    expect(out.feed.link).toBe('https://relative.example.org/');
    expect(out.entries[0]!.link).toBe('https://relative.example.org/journal/2024/river-walk.html');
    expect(out.entries[0]!.content).toBe(
      '<p><img src="https://relative.example.org/media/river.jpg" alt="river" /> <a href="https://relative.example.org/journal/notes.html" rel="noopener noreferrer">notes</a></p>',
    );
  });

  it('a fetched document is read against the URL it came from, whatever its self link says', async () => {
    const out = await parse('atom-relative-links.xml', { url: 'https://mirror.example.net/copy/feed.atom' });
    expect(out.entries[0]!.link).toBe('https://mirror.example.net/copy/2024/river-walk.html');
  });

  it('JSON Feed: its feed_url', async () => {
    const out = await parse('jsonfeed-relative.json');
    expect(out.feed.link).toBe('https://json.example.org/');
    expect(out.entries[0]).toMatchObject({
      link: 'https://json.example.org/posts/j1',
      content: '<p><a href="https://json.example.org/about" rel="noopener noreferrer">about</a></p>',
      enclosures: [{ url: 'https://json.example.org/feeds/media/j1.ogg' }],
    });
  });

  it('RSS: the channel\'s atom:link rel="self", for links, descriptions and enclosures', async () => {
    const out = await parse('rss-relative-links.xml');
    expect(out.feed.link).toBe('https://news.example.com/');
    expect(out.entries[0]).toMatchObject({
      link: 'https://news.example.com/stories/council.html',
      summary: '<a href="https://news.example.com/agenda.pdf" rel="noopener noreferrer">Agenda</a>',
      enclosures: [{ url: 'https://news.example.com/rss/audio/council.mp3', type: 'audio/mpeg', length: '1200' }],
    });
  });
});

describe('authors', () => {
  it("Atom: an entry without one takes its source's, else the feed's (RFC 4287 §4.2.1); dc:creator and itunes:author count as its own", async () => {
    const out = await parse('atom-inherited-author.xml');
    expect(out.entries.map((e) => e.author)).toEqual([
      'Entry Writer',
      'Feed Owner',
      'Source Author',
      'Dee Creator',
      'Ivy Host',
    ]);
  });

  it("RSS: itunes:author, media:credit and dc:creator, never the channel's managingEditor (issue 20)", async () => {
    const out = await parse('rss-extension-authors.xml');
    expect(out.entries.map((e) => e.author)).toEqual(['Jo Reporter', 'Ivy Host', 'Max Media', 'Dee Creator', null]);
  });
});

describe('RSS titles are plain text', () => {
  it('escaped markup shows as written; entity references escaped twice are read once', async () => {
    const out = await parse('rss-escaped-markup-title.xml');
    expect(out.feed.title).toBe('Escaped <markup> & friends');
    const [xss, bold] = await normalized('rss-escaped-markup-title.xml');
    expect(xss!.title).toBe('<script>alert(1)</script> Title');
    expect(bold!.title).toBe('<b>Bold</b> claims');
  });

  it('"]]>" in a title and in CDATA stays "]]>"', async () => {
    const out = await parse('rss-escaped-markup-title.xml');
    expect(out.entries[2]).toMatchObject({ title: 'a]]>b', summary: '<p>x]]&gt;y</p>' });
    expect((await normalized('rss-escaped-markup-title.xml'))[2]).toMatchObject({ title: 'a]]>b', summary: 'x]]>y' });
  });
});

describe('one bad entry never loses its feed', () => {
  const deepFeed = (depth: number) =>
    Buffer.from(`<feed xmlns="http://www.w3.org/2005/Atom"><title>Deep</title>
      <entry><id>1</id><title>before</title></entry>
      <entry><id>2</id><title>deep</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${'<b>'.repeat(depth)}core${'</b>'.repeat(depth)}</div></content></entry>
      <entry><id>3</id><title>after</title></entry></feed>`);

  it('100,000 nested XHTML elements cost no stack: the entry is read, and its siblings too', async () => {
    const feed = await parseFeed(deepFeed(100_000)); // how fast: npm run bench (hostile, 5)
    expect(feed.entries.map((e) => e.title?.value)).toEqual(['before', 'deep', 'after']);
    expect(feed.entries[1]!.content!.value).toBe(`${'<b>'.repeat(100_000)}core${'</b>'.repeat(100_000)}`);
    expect(feed.refused).toEqual([]);
  });

  it('an entry that cannot be read is refused with its place, the others kept', () => {
    const refused: { file: string; reason: string }[] = [];
    const read = (title: string) => {
      if (title === 'bad') throw new Error('unreadable');
      return { title: { type: 'text' as const, value: title }, tags: [], enclosures: [] };
    };
    expect(readEntries(['one', 'bad', 'three'], read, refused).map((e) => e.title?.value)).toEqual(['one', 'three']);
    expect(refused).toEqual([{ file: 'entry 2', reason: 'unreadable' }]);
  });
});

describe('ill-formed documents are repaired and flagged', () => {
  it('stray ampersands, HTML entities, forbidden characters', async () => {
    const out = await parse('stray-ampersand-entities.xml');
    expect(out.bozo).toBeTruthy();
    expect(out.feed.title).toBe('Fish & chips \u00a0été ok');
    expect(out.entries[0]).toMatchObject({ title: 'A & B', link: 'http://e.org/?a=1&b=2' });
  });

  it('junk before the XML declaration', async () => {
    const out = await parse('junk-before-declaration.xml');
    expect(out.bozo).toBeTruthy();
    expect(out.feed.title).toBe('Junk first');
  });

  it('never expands DOCTYPE entities: no billion laughs', async () => {
    const out = await parse('billion-laughs.xml');
    expect(out.feed.title!.length).toBeLessThan(20); // not expanded (how fast: npm run bench, hostile 5)
    expect(out.entries[0]!.title).toBe('laughs');
  });

  it('never reads external entities', async () => {
    const out = await parse('external-entity.xml');
    expect(out.feed.title).not.toMatch(/root:/);
    expect(out.feed.title).toMatch(/^X.*Y$/);
  });

  it('an HTML page is not a feed, with its feed links', async () => {
    const err = await parseFeed(bytes('quirks/html-page.html'), { url: 'https://example.org/blog/' }).catch((e) => e);
    expect(err).toBeInstanceOf(NotAFeedError);
    expect(err.alternates).toEqual(['https://example.org/feed.rss']);
    await expect(parseFeed(Buffer.from('just some words'))).rejects.toBeInstanceOf(ParseError);
    await expect(parseFeed(Buffer.from('{"hello": 1}'))).rejects.toThrow(
      /not a feed: JSON without a JSON Feed version/,
    );
  });
});

describe('decoding', () => {
  it.each([
    ['koi8-r.xml', 'Привет, мир'],
    ['windows-1251.xml', 'Привет, мир'],
    ['shift_jis.xml', 'こんにちは世界'],
    ['gbk.xml', '你好世界'],
    ['iso-8859-7.xml', 'Γειά σου κόσμε'],
    ['iso-8859-1.xml', 'Café déjà vu'],
    ['utf-16le-bom.xml', 'UTF-16 ✓ Ünïcödé'],
    ['utf-16be-bom.xml', 'UTF-16 ✓ Ünïcödé'],
    ['utf-16be-nobom.xml', 'UTF-16 ✓ Ünïcödé'],
    ['utf-8-bom.xml', 'BOM ✓'],
  ])('%s', async (name, title) => {
    expect(parseView(await parseFeed(bytes(`encodings/${name}`))).feed.title).toBe(title);
  });

  it('bytes that are not UTF-8, with no encoding declared anywhere, are windows-1252, with a warning', async () => {
    const feed = await parseFeed(bytes('quirks/latin1-undeclared.xml'));
    expect(feed.title?.value).toBe('Café “Crème” € 5');
    expect(feed.entries[0]!.title?.value).toBe('Déjà vu');
    expect(feed.warnings).toContain('no encoding declared and the bytes are not UTF-8: read as windows-1252');
  });

  it('bytes that are not what a declared UTF-8 says become U+FFFD', async () => {
    const feed = await parseFeed(bytes('encodings/invalid-utf8.xml'), {
      contentType: 'application/rss+xml; charset=utf-8',
    });
    expect(feed.title?.value).toBe('bad \uFFFD\uFFFD byte');
  });

  it('the Content-Type charset beats the declaration; a BOM beats both', async () => {
    const cp1251 = bytes('encodings/windows-1251.xml');
    const relabeled = Buffer.from(cp1251.toString('latin1').replace('windows-1251', 'utf-8'), 'latin1');
    expect(parseView(await parseFeed(relabeled, { contentType: 'text/xml; charset=windows-1251' })).feed.title).toBe(
      'Привет, мир',
    );
    expect(
      parseView(await parseFeed(bytes('encodings/utf-8-bom.xml'), { contentType: 'text/xml; charset=koi8-r' })).feed
        .title,
    ).toBe('BOM ✓');
  });
});
