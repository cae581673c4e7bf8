// Text is made safe once, when an entry is normalized: each class of character that XML forbids
// or discourages, in each kind of field, from each input format, never reaches the store.
import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseSeed } from '../../src/parse/seed.js';
import type { RawEntry, RawFeed } from '../../src/parse/types.js';
import { UNSAFE_CLASSES, unsafeStrings } from './unsafe-chars.js';

const now = new Date('2100-01-01T00:00:00Z');
const feedOf = (format: RawFeed['format'], entries: RawEntry[]): RawFeed => ({
  format,
  version: '1',
  skipHours: [],
  skipDays: [],
  warnings: [],
  refused: [],
  entries,
});
const normalize = (feed: RawFeed) => normalizeFeed(feed, { now }).entries;

/** An entry with `x` inside every field; `html` says which text fields are HTML. */
function hostile(x: string, html: boolean): RawEntry {
  const text = (value: string) =>
    html ? { type: 'html' as const, value: `<p title="t${x}">${value}</p>` } : { type: 'text' as const, value };
  return {
    id: `id-${x}`,
    title: text(`Ti${x}tle`),
    link: `https://a.example/li${x}nk`,
    author: `Au${x}thor`,
    summary: text(`Sum${x}mary`),
    content: text(`Con${x}tent`),
    tags: [{ term: `te${x}rm` }, { term: 'ignored', label: `La${x}bel` }],
    enclosures: [{ url: `https://a.example/e${x}.mp3`, type: `audio/${x}mpeg`, length: 3 }],
    language: `e${x}n`,
    base: 'https://a.example/',
  };
}

describe('every field of a normalized entry', () => {
  describe.each(UNSAFE_CLASSES)('%s', (_name, chars) => {
    it.each([
      ['plain text', false],
      ['HTML', true],
    ])('are removed from every field, with %s', (_kind, html) => {
      const [entry] = normalize(feedOf('json', [hostile(chars, html)]));
      expect(unsafeStrings(entry)).toEqual([]);
      expect(entry).toMatchObject({
        identity: 'id-',
        title: 'Title',
        link: 'https://a.example/link',
        author: 'Author',
        summary: 'Summary',
        content: '<p>Content</p>',
        tags: [
          { slug: 'term', label: 'term' },
          { slug: 'label', label: 'Label' },
        ],
        enclosures: [{ url: 'https://a.example/e.mp3', type: 'audio/mpeg', length: 3 }],
        language: 'en',
        text: 'Content',
      });
    });

    it('are removed where an HTML character reference names them', () => {
      const refs = Array.from(chars, (c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
      const [entry] = normalize(
        feedOf('rss', [
          {
            ...hostile('', true),
            title: { type: 'html', value: `Ti${refs}tle` },
            content: {
              type: 'html',
              value: `<p title="t${refs}">Con${refs}tent</p><img src="https://a.example/i.png" alt="${refs}">`,
            },
          },
        ]),
      );
      expect(unsafeStrings(entry)).toEqual([]);
      expect(entry!.title).toMatch(/^Ti\uFFFD*tle$/); // a reference to NUL or a surrogate reads as U+FFFD (HTML §13.2.5.80)
    });
  });

  it('never leaves an empty author, type or language, nor a tag without a slug', () => {
    const [entry] = normalize(
      feedOf('json', [
        {
          ...hostile('', false),
          author: '\u0001\ufffe',
          language: '\u0000',
          tags: [{ term: '\ud800' }, { term: '\u0001 \u0085' }],
          enclosures: [{ url: 'https://a.example/e.mp3', type: '\u0002' }],
        },
      ]),
    );
    expect(entry).toMatchObject({
      author: undefined,
      language: undefined,
      tags: [],
      enclosures: [{ url: 'https://a.example/e.mp3', type: undefined }],
    });
  });

  it('keeps an enclosure length only when it is a byte count', () => {
    const lengths = [12, 0, -1, 1.5, Number.NaN, 2 ** 60];
    const [entry] = normalize(
      feedOf('json', [
        {
          ...hostile('', false),
          enclosures: lengths.map((length, i) => ({ url: `https://a.example/${i}.mp3`, length })),
        },
      ]),
    );
    expect(entry!.enclosures.map((e) => e.length)).toEqual([12, 0, undefined, undefined, undefined, undefined]);
  });

  it('makes two guids that differ by an unsafe character one guid, repeated', () => {
    const entries = normalize(
      feedOf('json', [
        { ...hostile('', false), id: 'same\u0000' },
        { ...hostile('', false), id: 'same' },
      ]),
    );
    expect(entries.map((e) => e.identity)).toEqual(['same\nhttps://a.example/link']);
  });
});

// Every unsafe class at once, as each format can carry it: raw where the format allows the
// character, as a character reference where it does not (XML has no way to write a NUL).
const ALL = UNSAFE_CLASSES.map(([, chars]) => chars).join('');
const refs = Array.from(ALL, (c) => `&amp;#x${c.codePointAt(0)!.toString(16)};`).join('');
const xmlSafe = ALL.replace(/[^\u0080-\u009f\ufdd0-\ufdef\u{1fffe}\u{10ffff}]/gu, ''); // the ones XML 1.0 allows raw
const X = `${xmlSafe}&#x1;&#xFFFE;&#xD800;`;

const DOCUMENTS: [string, () => Promise<RawFeed>][] = [
  [
    'RSS 2.0',
    () =>
      parseFeed(
        Buffer.from(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><language>e${X}n</language>
<item><guid>g${X}</guid><title>Ti${X}tle</title><link>https://a.example/l${X}</link><dc:creator>Au${X}thor</dc:creator>
<description>Sum${refs}mary ${X}</description><content:encoded><![CDATA[<p title="${xmlSafe}">Con${refs.replace(/&amp;/g, '&')}tent</p>${xmlSafe}]]></content:encoded>
<category>ca${X}t</category><enclosure url="https://a.example/e${X}.mp3" type="audio/${X}mpeg" length="10"/></item></channel></rss>`),
      ),
  ],
  [
    'Atom 1.0',
    () =>
      parseFeed(
        Buffer.from(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="e${xmlSafe}n"><title>T</title>
<entry><id>urn:x:${X}</id><title type="html">Ti${refs}tle</title><link href="https://a.example/l${X}"/><author><name>Au${X}thor</name></author>
<summary>Sum${X}mary</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p title="${xmlSafe}">Con${X}tent</p></div></content>
<category term="te${X}rm" label="La${X}bel"/><link rel="enclosure" href="https://a.example/e${X}.mp3" type="audio/${X}mpeg" length="10"/></entry></feed>`),
      ),
  ],
  [
    'JSON Feed 1.1',
    () => {
      const s = (v: string) => v.replace('X', ALL);
      const item = {
        id: s('iXd'),
        url: s('https://a.example/lX'),
        title: s('TiXtle'),
        summary: s('SumXmary'),
        content_html: s('<p title="X">ConXtent</p>') + refs.replace(/&amp;/g, '&'),
        tags: [s('taXg'), s('X')],
        authors: [{ name: s('AuXthor') }],
        language: s('eXn'),
        attachments: [{ url: s('https://a.example/eX.mp3'), mime_type: s('audio/Xmpeg'), size_in_bytes: -5 }],
      };
      return parseFeed(
        Buffer.from(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [item] })),
      );
    },
  ],
  [
    'a seed document',
    async () => {
      // A NUL refuses the document (README), and hashtags are letters, digits, "_" and "-".
      const noNul = ALL.replace('\u0000', '');
      const { entry } = parseSeed(
        new TextEncoder().encode(
          `Fi${noNul}rst sentence. Second ${noNul}.\n\nMore ${noNul} text.\n2024-01-01 10:00:00\n#tag #x\n`,
        ),
        'a.txt',
        'a.txt',
        { timezone: 'UTC', titleFrom: 'first-sentence' },
      );
      return feedOf('seeds', [entry]);
    },
  ],
];

describe.each(DOCUMENTS)('%s with every unsafe character in every field', (_format, read) => {
  it('is normalized to an entry without any', async () => {
    const feed = await read();
    const { entries, refused } = normalizeFeed(feed, { now });
    expect(refused).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(unsafeStrings(entries[0])).toEqual([]);
    expect(entries[0]!.tags.length).toBeGreaterThan(0);
  });
});
