// The LSH index's two tables: keys move from lsh_recent to lsh in batches, and lookups, edits and
// deletes see both. Enough articles are stored to cross the batch size several times.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { storeEntries } from '../../src/refresh.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fingerprinted, madeUpText, tempDir } from '../helpers.js';

const dedupe = parseConfig('', '/x.yaml').dedupe;
const START = Date.UTC(2025, 0, 1);

const text = madeUpText(1);
const entry = fingerprinted;

let store: SqliteStore;
beforeEach(async () => {
  store = new SqliteStore(join(tempDir(), 't.db'));
  for (const name of ['a', 'b'])
    await store.upsertSource({ name, type: 'file', location: name }, new Date(), name === 'a' ? 0 : 1);
});
afterEach(() => store.close());

const count = (table: string) => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const storyOf = (source: string, identity: string) =>
  store.db
    .prepare('SELECT story FROM articles WHERE source = ? AND identity = ?')
    .pluck()
    .get(source, identity) as string;
/** The index keys the article rows keep (each is in the index once): 14 MinHash bands and the passage keys. */
const rowKeys = (identity?: string) =>
  store.db
    .prepare(`SELECT coalesce(sum(length(bands)), 0) / 8 FROM articles${identity ? ' WHERE identity = ?' : ''}`)
    .pluck()
    .get(...(identity ? [identity] : [])) as number;
const idOf = (source: string, identity: string) =>
  store.db.prepare('SELECT id FROM articles WHERE source = ? AND identity = ?').pluck().get(source, identity) as string;

describe('LSH index in two tables', () => {
  it('finds near duplicates of articles whose keys were moved in a batch, and of recent ones', async () => {
    const bodies = Array.from({ length: 2500 }, () => text(120));
    const titles = bodies.map(() => text(6));
    for (let batch = 0; batch < 25; batch += 1) {
      const entries = bodies
        .slice(batch * 100, batch * 100 + 100)
        .map((b, i) => entry(`a${batch * 100 + i}`, titles[batch * 100 + i]!, b, START + (batch * 100 + i) * 60_000));
      await storeEntries(store, 'a', entries, new Date(), dedupe);
    }
    expect(rowKeys()).toBeGreaterThan(2500 * 14);
    expect(count('lsh') + count('lsh_recent')).toBe(rowKeys());
    expect(count('lsh')).toBeGreaterThan(0);
    expect(count('lsh_recent')).toBeLessThan(16_384);

    // Lightly edited copies (a new first sentence, the last words dropped) of the first article (its
    // keys are in lsh) and of the last one (its keys are still in lsh_recent).
    const edit = (b: string) => `${text(12)} ${b.split(' ').slice(0, 100).join(' ')}`;
    await storeEntries(
      store,
      'b',
      [
        entry('b0', titles[0]!, edit(bodies[0]!), START + 3_600_000),
        entry('b1', titles[2499]!, edit(bodies[2499]!), START + 2499 * 60_000),
      ],
      new Date(),
      dedupe,
    );
    expect(storyOf('b', 'b0')).toBe(storyOf('a', 'a0'));
    expect(storyOf('b', 'b1')).toBe(storyOf('a', 'a2499'));
    expect(storyOf('a', 'a1')).not.toBe(storyOf('a', 'a0'));
  });

  it('removes an article’s keys from both tables when it is edited or deleted', async () => {
    const bodies = Array.from({ length: 1300 }, () => text(80));
    await storeEntries(
      store,
      'a',
      bodies.map((b, i) => entry(`a${i}`, text(5), b, START + i * 60_000)),
      new Date(),
      dedupe,
    );
    await storeEntries(store, 'a', [entry('a1300', text(5), text(80), START)], new Date(), dedupe);
    const inLsh = store.db
      .prepare('SELECT count(*) FROM lsh WHERE article = (SELECT rowid FROM articles WHERE identity = ?)')
      .pluck();
    expect(inLsh.get('a0')).toBe(rowKeys('a0'));
    expect(count('lsh') + count('lsh_recent')).toBe(rowKeys());

    // An edit replaces the old keys (in lsh) with new ones (in lsh_recent).
    await storeEntries(store, 'a', [entry('a0', 'new title', text(80), START)], new Date(), dedupe);
    expect(inLsh.get('a0')).toBe(0);
    expect(count('lsh') + count('lsh_recent')).toBe(rowKeys());
    const before = rowKeys();
    const gone = rowKeys('a0') + rowKeys('a1300');
    await store.deleteArticles([idOf('a', 'a0'), idOf('a', 'a1300')], new Date());
    expect(count('lsh') + count('lsh_recent')).toBe(before - gone);
    const orphans = store.db
      .prepare(
        'SELECT count(*) FROM (SELECT article FROM lsh UNION ALL SELECT article FROM lsh_recent) k WHERE k.article NOT IN (SELECT rowid FROM articles)',
      )
      .pluck()
      .get();
    expect(orphans).toBe(0);
  });

  it('finds a near duplicate published in the next week of the index, within the window', async () => {
    // 1970-01-01 was a Thursday: weeks of the index start on Thursdays at 00:00 UTC.
    const weekStart = Date.UTC(2025, 0, 2);
    const body = text(120);
    const title = text(6);
    await storeEntries(store, 'a', [entry('a', title, body, weekStart - 3_600_000)], new Date(), dedupe);
    await storeEntries(
      store,
      'b',
      [entry('b', title, `${text(10)} ${body.split(' ').slice(0, 110).join(' ')}`, weekStart + 3_600_000)],
      new Date(),
      dedupe,
    );
    expect(storyOf('b', 'b')).toBe(storyOf('a', 'a'));
    // Outside the window (3 days), a near duplicate does not merge, whatever the week.
    await storeEntries(
      store,
      'b',
      [entry('c', title, `${text(10)} ${body}`, weekStart + 5 * 86_400_000)],
      new Date(),
      dedupe,
    );
    expect(storyOf('b', 'c')).not.toBe(storyOf('a', 'a'));
  });

  it('re-keys an index written before the keys carried their week, once, when the store opens', async () => {
    const bodies = Array.from({ length: 30 }, () => text(100));
    await storeEntries(
      store,
      'a',
      bodies.map((b, i) => entry(`a${i}`, text(5), b, START + i * 3_600_000)),
      new Date(),
      dedupe,
    );
    // Back to the old format: keys without their week, in the index and on the rows.
    const WEEKLESS = 2 ** 36;
    store.db.exec(`UPDATE lsh_recent SET key = key % ${WEEKLESS}`);
    const rows = store.db.prepare('SELECT rowid, bands FROM articles').all() as { rowid: number; bands: Buffer }[];
    for (const r of rows) {
      const keys = Float64Array.from(
        new Float64Array(r.bands.buffer.slice(r.bands.byteOffset, r.bands.byteOffset + r.bands.byteLength)),
        (k) => k % WEEKLESS,
      );
      store.db.prepare('UPDATE articles SET bands = ? WHERE rowid = ?').run(Buffer.from(keys.buffer), r.rowid);
    }
    const file = store.db.name;
    await store.close();
    store = new SqliteStore(file);
    expect(store.db.prepare(`SELECT count(*) FROM lsh_recent WHERE key < ${WEEKLESS}`).pluck().get()).toBe(0);
    expect(count('lsh') + count('lsh_recent')).toBe(rowKeys());
    await storeEntries(
      store,
      'b',
      [entry('b', text(5), `${text(12)} ${bodies[7]!}`, START + 7 * 3_600_000)],
      new Date(),
      dedupe,
    );
    expect(storyOf('b', 'b')).toBe(storyOf('a', 'a7'));
  });

  it('sees keys another connection wrote after this one last looked', async () => {
    const body = text(120);
    const title = text(6);
    await storeEntries(store, 'a', [entry('x', text(6), text(120), START)], new Date(), dedupe); // this connection has looked
    const other = new SqliteStore(store.db.name);
    await storeEntries(other, 'a', [entry('a', title, body, START)], new Date(), dedupe);
    await other.close();
    await storeEntries(store, 'b', [entry('b', title, `${text(10)} ${body}`, START + 3_600_000)], new Date(), dedupe);
    expect(storyOf('b', 'b')).toBe(storyOf('a', 'a'));
  });
});
