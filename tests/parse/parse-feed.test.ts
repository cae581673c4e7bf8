// One small fixture per quirk; each row says what a good feed reader makes of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotAFeedError, ParseError } from '../../src/errors.js';
import { feedToJson } from '../../src/commands/parse-view.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { FIXTURES } from '../helpers.js';

const bytes = (name: string) => readFileSync(join(FIXTURES, name));
const parse = async (name: string, doc = {}) => feedToJson(await parseFeed(bytes(`quirks/${name}`), doc));

describe('formats and fields', () => {
  it('Atom xml:base at feed, entry and element level', async () => {
    const out = await parse('atom-xml-base.xml');
    expect(out.feed.link).toBe('https://example.org/blog/');
    expect(out.entries[0]!.link).toBe('https://example.org/blog/posts/one.html');
    expect(out.entries[0]!.content).toBe('<img src="https://example.org/media/pic.png" /> <a href="https://example.org/about" rel="noopener noreferrer">about</a>');
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
    expect(out.feed).toMatchObject({ title: 'Old <i>Atom</i>', description: 'An Atom 0.3 feed', updated: '2004-01-01T19:48:21.000Z' });
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
    expect(e).toMatchObject({ tags: ['One', 'Two', 'Three'], published: '2024-01-18T10:08:24.000Z', updated: '2024-01-18T10:08:24.000Z' });
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
    expect(v11.entries[0]).toMatchObject({ id: '42', link: 'https://example.org/42', content: '<p>Hi</p>', author: 'Douglas', tags: ['a', 'b'], enclosures: [{ url: 'https://example.org/42.ogg', type: 'audio/ogg', length: '99' }] });
    const v10 = await parse('jsonfeed10.json');
    expect(v10.entries[0]).toMatchObject({ content: 'Only text', author: 'Feed Author', published: '2024-01-18T11:08:24.000Z' });
  });

  it('RSS titles with markup are HTML; plain ones are text', async () => {
    const out = await parse('html-title.xml');
    // Kept as written: "AT&T" is valid HTML text.
    expect(out.feed.title).toBe('AT&T &amp; friends');
    expect(out.entries[0]!.title).toBe('<b>Bold</b> news');
    const [entry] = normalizeFeed(await parseFeed(bytes('quirks/html-title.xml')), { now: new Date() }).entries;
    expect(entry!.title).toBe('Bold news');
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
    const started = performance.now();
    const out = await parse('billion-laughs.xml');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.feed.title!.length).toBeLessThan(20);
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
    await expect(parseFeed(Buffer.from('{"hello": 1}'))).rejects.toThrow(/not a feed: JSON without a JSON Feed version/);
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
    ['invalid-utf8.xml', 'bad \uFFFD\uFFFD byte'],
  ])('%s', async (name, title) => {
    expect(feedToJson(await parseFeed(bytes(`encodings/${name}`))).feed.title).toBe(title);
  });

  it('the Content-Type charset beats the declaration; a BOM beats both', async () => {
    const cp1251 = bytes('encodings/windows-1251.xml');
    const relabeled = Buffer.from(cp1251.toString('latin1').replace('windows-1251', 'utf-8'), 'latin1');
    expect(feedToJson(await parseFeed(relabeled, { contentType: 'text/xml; charset=windows-1251' })).feed.title).toBe('Привет, мир');
    expect(feedToJson(await parseFeed(bytes('encodings/utf-8-bom.xml'), { contentType: 'text/xml; charset=koi8-r' })).feed.title).toBe('BOM ✓');
  });
});
