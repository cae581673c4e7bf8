// Identities within a source: the fallback chain, and one entry per identity.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { identifyEntries as identifyPlaced, newestOf, type IdentifyOptions } from '../../src/normalize/identity.js';
import type { RawEntry, RawFeed } from '../../src/parse/types.js';

const feed = (entries: Partial<RawEntry>[]): RawFeed => ({
  format: 'rss',
  version: '2.0',
  skipHours: [],
  skipDays: [],
  warnings: [],
  refused: [],
  entries: entries.map((e) => ({ tags: [], enclosures: [], ...e })),
});
const text = (value: string) => ({ type: 'text' as const, value });
/** A whole feed's entries identified: its newest maxItems kept, as a refresh keeps them reading the feed. */
const identifyEntries = (whole: RawFeed, opts: IdentifyOptions) =>
  identifyPlaced(newestOf(whole.entries, opts.maxItems), opts);

describe('identifyEntries', () => {
  it('guid; guid and link where the guid repeats; link; else a hash', () => {
    const ids = identifyEntries(
      feed([
        { id: 'g1', link: 'https://a.example/1' },
        { id: 'dup', link: 'https://a.example/2' },
        { id: 'dup', link: 'https://a.example/3?utm_source=x' },
        { link: 'https://a.example/4' },
        { title: text('No id, no link') },
      ]),
      {},
    ).map((e) => e.identity);
    expect(ids.slice(0, 4)).toEqual([
      'g1',
      'dup\nhttps://a.example/2',
      'dup\nhttps://a.example/3',
      'https://a.example/4',
    ]);
    expect(ids[4]).toMatch(/^sha256:[0-9a-f]{32}$/);
  });

  it('keeps the last of two entries with one identity: the same one at every fetch of the same feed', () => {
    const a = { id: 'same', link: 'https://a.example/x', title: text('First') };
    const b = { id: 'same', link: 'https://a.example/x', title: text('Second') };
    expect(identifyEntries(feed([a, b]), {}).map((e) => e.raw.title?.value)).toEqual(['Second']);
    expect(identifyEntries(feed([b, a]), {}).map((e) => e.raw.title?.value)).toEqual(['First']);
  });

  it('keeps the first maxItems entries of a feed without dates', () => {
    expect(
      identifyEntries(feed([{ id: '1' }, { id: '2' }, { id: '3' }]), { maxItems: 2 }).map((e) => e.identity),
    ).toEqual(['1', '2']);
  });

  // Issue 25: maxItems: 100 kept a feed's first 100 entries, the oldest of a feed in date order.
  it('keeps the newest maxItems entries, in feed order, each with its place', () => {
    const day = (d: number) => new Date(Date.UTC(2024, 0, d));
    const kept = identifyEntries(
      feed([
        { id: 'old', published: day(1) },
        { id: 'undated' },
        { id: 'new', published: day(3) },
        { id: 'mid', updated: day(2) },
        { id: 'bad', published: new Date(NaN) },
      ]),
      { maxItems: 2 },
    );
    expect(kept.map((e) => [e.identity, e.position])).toEqual([
      ['new', 3],
      ['mid', 4],
    ]);
  });

  it('keeps 1,000 entries of a feed by default, the newest', () => {
    const config = parseConfig('sources:\n  - {name: f, type: file, path: f.xml}\n', '/t/tidings.yaml');
    const source = config.sources[0]!;
    const maxItems = source.type === 'seeds' ? undefined : source.maxItems;
    expect(maxItems).toBe(1000);
    const entries = Array.from({ length: 1500 }, (_, i) => ({
      id: `e${i}`,
      published: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    }));
    const kept = identifyEntries(feed(entries), { maxItems });
    expect(kept).toHaveLength(1000);
    expect(kept[0]!.identity).toBe('e500');
  });
});
