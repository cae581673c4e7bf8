// Entries stored unchanged are skipped before normalizing (sanitizing is the costly step).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import { FIXTURES, tempDir } from '../helpers.js';

describe('normalizeFeed with known raw hashes', () => {
  it('skips what is stored unchanged and normalizes what changed or is new', async () => {
    const xml = readFileSync(join(FIXTURES, 'feeds/rss2.xml'), 'utf8');
    const first = normalizeFeed(await parseFeed(Buffer.from(xml)), { now: new Date() });
    expect(first).toMatchObject({ unchanged: 0 });
    expect(first.entries.map((e) => e.rawHash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{32}$/),
      expect.stringMatching(/^[0-9a-f]{32}$/),
    ]);
    const known = Object.fromEntries(first.entries.map((e) => [e.identity, e.rawHash!]));

    const again = normalizeFeed(await parseFeed(Buffer.from(xml)), { now: new Date(), known });
    expect(again).toEqual({ entries: [], refused: [], unchanged: 2 });

    const edited = normalizeFeed(
      await parseFeed(Buffer.from(xml.replace('The <b>second</b> story.', 'The edited story.'))),
      { now: new Date(), known },
    );
    expect(edited.unchanged).toBe(1);
    expect(edited.entries.map((e) => e.content)).toEqual(['<p>The edited story.</p>']);

    // Long text is hashed apart from the rest: an edit deep inside it, or text moved from one long
    // field to another, still counts as a change.
    const long = (summary: string, content: string) =>
      `<rss version="2.0"><channel><title>t</title><item><guid>g</guid><description>${summary}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${content}</content:encoded></item></channel></rss>`;
    const a = 'alpha '.repeat(100);
    const b = 'beta '.repeat(100);
    const base = normalizeFeed(await parseFeed(Buffer.from(long(a, b))), { now: new Date() }).entries[0]!;
    const knownLong = { g: base.rawHash! };
    expect(
      normalizeFeed(await parseFeed(Buffer.from(long(a, b))), { now: new Date(), known: knownLong }).unchanged,
    ).toBe(1);
    expect(
      normalizeFeed(await parseFeed(Buffer.from(long(a, b.replace('beta beta', 'beta Beta')))), {
        now: new Date(),
        known: knownLong,
      }).unchanged,
    ).toBe(0);
    expect(
      normalizeFeed(await parseFeed(Buffer.from(long(b, a))), { now: new Date(), known: knownLong }).unchanged,
    ).toBe(0);

    // Different options give different articles: nothing is skipped when the source's tags change.
    expect(normalizeFeed(await parseFeed(Buffer.from(xml)), { now: new Date(), known, tags: ['new'] }).unchanged).toBe(
      0,
    );
  });
});

describe('raw hashes in the store', () => {
  it('takes a new raw hash for an entry that normalizes to the same article (a Tidings upgrade, say)', async () => {
    const xml = readFileSync(join(FIXTURES, 'feeds/rss2.xml'), 'utf8');
    const { entries } = normalizeFeed(await parseFeed(Buffer.from(xml)), { now: new Date() });
    const store = await openStore(join(tempDir(), 't.db'));
    await store.upsertSource({ name: 'f', type: 'file', location: 'f' }, new Date(), 0);
    expect(await storeEntries(store, 'f', entries, new Date())).toEqual({
      new: 2,
      updated: 0,
      unchanged: 0,
      keptOut: 0,
    });
    const rehashed = entries.map((e) => ({ ...e, rawHash: `new-${e.rawHash}` }));
    expect(await storeEntries(store, 'f', rehashed, new Date())).toEqual({
      new: 0,
      updated: 0,
      unchanged: 2,
      keptOut: 0,
    });
    expect(Object.values(await store.rawHashes('f')).sort()).toEqual(rehashed.map((e) => e.rawHash).sort());
    await store.close();
  });
});
