// The XML reader hands each entry over as it closes and keeps no entry: entry 1 is read before the
// document's end is given to it; a DOCTYPE's entities are never expanded; nesting costs no stack; an
// ill-formed document is read again leniently, and what a failed reading handed over is dropped.
import { describe, expect, it } from 'vitest';
import { NewestEntries, type PlacedEntry } from '../../src/normalize/identity.js';
import { parseFeed, readFeed } from '../../src/parse/parse-feed.js';
import { textOf } from '../../src/parse/tree.js';
import { XmlReader, type XmlElement } from '../../src/parse/xml-tree.js';

const item = (i: number) => `<item><guid>g${i}</guid><title>Item ${i}</title></item>`;
const rss = (items: string, channel = '<title>T</title>') =>
  `<?xml version="1.0"?><rss version="2.0"><channel>${channel}${items}</channel></rss>`;

/** A reader whose entries are the items, each noted by its title as it comes. */
function itemReader(seen: string[]): XmlReader {
  const isEntry = (el: XmlElement) => el.local === 'item';
  return new XmlReader(true, {
    root: () => ({ isEntry }),
    entry: (el) =>
      seen.push(textOf(el.children.find((c): c is XmlElement => typeof c !== 'string' && c.local === 'title'))),
  });
}

describe('the streaming XML reader', () => {
  it('hands entry 1 over before the rest of the document is given to it, and keeps no entry in the tree', () => {
    const seen: string[] = [];
    const reader = itemReader(seen);
    const doc = rss([1, 2, 3].map(item).join(''));
    const cut = doc.indexOf('<item>', doc.indexOf('</item>'));
    reader.write(doc.slice(0, cut));
    expect(seen).toEqual(['Item 1']);
    reader.write(doc.slice(cut, cut + 10));
    expect(seen).toEqual(['Item 1']);
    const root = reader.write(doc.slice(cut + 10)).close();
    expect(seen).toEqual(['Item 1', 'Item 2', 'Item 3']);
    const channel = root.children.find((c): c is XmlElement => typeof c !== 'string')!;
    expect(channel.children.filter((c) => typeof c !== 'string').map((c) => (c as XmlElement).local)).toEqual([
      'title',
    ]);
  });

  it('gives each entry to the sink while reading a whole feed, each with its place', async () => {
    const places: [string | undefined, number][] = [];
    const feed = await readFeed(
      Buffer.from(rss([1, 2, 3].map(item).join(''))),
      {},
      () => (entry, position) => places.push([entry.id, position]),
    );
    expect(places).toEqual([
      ['g1', 1],
      ['g2', 2],
      ['g3', 3],
    ]);
    expect(feed.title?.value).toBe('T');
  });

  it('never expands an entity a DOCTYPE declares, nor reads an external one', async () => {
    const laughs =
      '<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">';
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [${laughs}<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>T</title><item><guid>g</guid><title>&c; &xxe;</title><description>&b;</description></item></channel></rss>`;
    const feed = await parseFeed(Buffer.from(doc));
    expect(feed.entries).toHaveLength(1);
    const [entry] = feed.entries;
    expect(entry!.title?.value).toBe('&c; &xxe;');
    expect(entry!.summary?.value).not.toContain('ha');
    expect(JSON.stringify(feed)).not.toMatch(/root:|hahaha/);
    expect(feed.bozo).toMatch(/entity/i);
  });

  it('reads a document nested 100,000 deep beside its entries, with no stack to spare', async () => {
    const deep = 100_000;
    const nested = `<x:deep xmlns:x="urn:x">${'<x:a>'.repeat(deep)}bottom${'</x:a>'.repeat(deep)}</x:deep>`;
    const inEntry = `<item><guid>deep</guid><description>${'<div>'.repeat(deep)}text${'</div>'.repeat(deep)}</description></item>`;
    const feed = await parseFeed(Buffer.from(rss(`${item(1)}${inEntry}${item(2)}`, `<title>T</title>${nested}`)));
    expect(feed.entries.map((e) => e.id)).toEqual(['g1', 'deep', 'g2']);
    expect(feed.entries[1]!.summary?.value).toContain('text');
    expect(feed.bozo).toBeUndefined();
  });

  it('reads an ill-formed document leniently, with the bozo warning, each entry once', async () => {
    // Three items read strictly, then a stray "&" and an unclosed tag, then two more, then the end cut off.
    const doc = rss(
      `${[1, 2, 3].map(item).join('')}<item><guid>g4</guid><title>Fish & chips<br></title></item>${item(5)}`,
    ).replace(/<\/channel><\/rss>$/, '');
    const feed = await parseFeed(Buffer.from(doc));
    expect(feed.bozo).toBeTruthy();
    expect(feed.entries.map((e) => e.id)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
    expect(feed.entries[3]!.title?.value).toContain('Fish &amp; chips');
  });

  it('tells a document that is no feed at its root', async () => {
    await expect(parseFeed(Buffer.from('<?xml version="1.0"?><opml><body/></opml>'))).rejects.toThrow(
      /not a feed: no rss, RDF or feed element at the root/,
    );
  });
});

describe('the newest entries of a feed read one at a time', () => {
  const at = (i: number, time: number | undefined): PlacedEntry => ({
    raw: { id: `e${i}`, published: time === undefined ? undefined : new Date(time), tags: [], enclosures: [] },
    position: i,
  });

  it('holds at most maxItems, whatever the feed length, and keeps what sorting the whole feed keeps', () => {
    const max = 25;
    const kept = new NewestEntries(max);
    const all: PlacedEntry[] = [];
    let most = 0;
    for (let i = 1; i <= 5_000; i += 1) {
      // Dates out of order, ties, and undated entries.
      const entry = at(i, i % 7 === 0 ? undefined : ((i * 7919) % 1000) * 1000);
      all.push(entry);
      kept.add(entry);
      most = Math.max(most, kept.size);
    }
    expect(most).toBe(max);
    const time = (e: PlacedEntry) => e.raw.published?.getTime() ?? -Infinity;
    const expected = [...all]
      .sort((a, b) => time(b) - time(a) || a.position - b.position)
      .slice(0, max)
      .sort((a, b) => a.position - b.position);
    expect(kept.entries().map((e) => e.position)).toEqual(expected.map((e) => e.position));
  });

  it('keeps undated entries, in feed order, only after every dated one', () => {
    const kept = new NewestEntries(3);
    for (const e of [at(1, undefined), at(2, 5), at(3, undefined), at(4, 1), at(5, undefined)]) kept.add(e);
    expect(kept.entries().map((e) => e.position)).toEqual([1, 2, 4]);
  });
});
