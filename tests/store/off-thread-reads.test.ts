// Issue 25: one search blocked the server for 25 s. Searches run on a worker thread with a time budget.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchQueryError } from '../../src/errors.js';
import { OffThreadReads } from '../../src/store/sqlite/off-thread-reads.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeEntries } from '../../src/refresh.js';
import { finished, tempDir } from '../helpers.js';

// A read that keeps SQLite busy for a long while (seconds), whatever the data.
const SLOW =
  'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000000) SELECT count(*) AS n FROM c';

let reads: OffThreadReads | undefined;
afterEach(() => reads?.close());

function open(budgetMs?: number): OffThreadReads {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, 't.db')); // makes the database
  void store.close();
  return (reads = new OffThreadReads(join(dir, 't.db'), budgetMs));
}

describe('reads off the main thread', () => {
  it('leave the event loop free while they run', async () => {
    const r = open();
    const search = r.all(SLOW, []).then(
      () => 'search',
      () => 'search',
    );
    // An HTTP request (here a timer) is served while the read is still running.
    const first = await Promise.race([search, new Promise((resolve) => setTimeout(() => resolve('event loop'), 1))]);
    expect(first).toBe('event loop');
  });

  it('stop a read over the time budget with a message, and read again after', async () => {
    const r = open(200);
    const err = await r.all(SLOW, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchQueryError);
    expect((err as Error).message).toBe('the search took longer than 0.2 s; try fewer or longer words');
    expect(await r.all('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  });

  it('say what is wrong with a bad read, naming the database', async () => {
    const r = open();
    await expect(r.all('SELECT nope FROM articles', [])).rejects.toThrow(/t\.db: no such column: nope$/);
  });
});

describe('SqliteStore searches', () => {
  it("run off the main thread, on the reads' worker", async () => {
    const store = new SqliteStore(join(tempDir(), 't.db'));
    try {
      await store.upsertSource({ name: 's', type: 'file', location: 's' }, new Date(), 0);
      const body = 'The new tram line to the docks opened on Monday.';
      await storeEntries(
        store,
        's',
        [
          finished({
            identity: 'a1',
            title: 'Tram line opens',
            published: new Date(),
            summary: body,
            content: `<p>${body}</p>`,
            tags: [],
            enclosures: [],
          }),
        ],
        new Date(),
      );
      for (const search of [
        () => store.filterArticles({ query: 'tram*', limit: 20 }),
        () => store.filterArticles({ query: 'tram*' }),
      ]) {
        // Sent to the reads' worker (which leaves the event loop free: above), never read on this
        // thread. Watching the loop turn instead raced the worker's answer on a busy machine.
        const sent = vi.spyOn(OffThreadReads.prototype, 'all');
        expect((await search()).map((a) => a.identity)).toEqual(['a1']);
        expect(sent.mock.calls.some(([sql]) => /\bMATCH\b/i.test(sql))).toBe(true);
        sent.mockRestore();
      }
    } finally {
      await store.close();
    }
  });
});
