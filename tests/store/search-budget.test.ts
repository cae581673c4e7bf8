// Issue 25: a search has a time budget in both stores; over it, it stops and says so. The budget is
// made short here, and the search made to wait: on PostgreSQL for a lock another session holds.
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { SearchQueryError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { freshDatabase, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers-postgres.js';

vi.mock('../../src/store/search-query.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  SEARCH_BUDGET_MS: 300,
}));

describe.skipIf(!POSTGRES_URL)(`PostgreSQL search budget ${POSTGRES_URL ? '' : POSTGRES_SKIP_REASON}`.trim(), () => {
  it('stops a search over its budget with a message, and searches again after', async () => {
    const url = await freshDatabase();
    const store = await openStore(url);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      for (const search of [
        () => store.filterArticles({ query: 'tram', limit: 20 }),
        () => store.filterArticles({ query: 'tram' }),
      ]) {
        const err = await search().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SearchQueryError);
        expect((err as Error).message).toBe('the search took longer than 0.3 s; try fewer or longer words');
      }
      await locker.query('ROLLBACK');
      expect(await store.filterArticles({ query: 'tram', limit: 20 })).toEqual([]);
    } finally {
      await locker.end();
      await store.close();
    }
  });
});
