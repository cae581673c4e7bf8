// The PostgreSQL test setup itself: the throwaway cluster (or TIDINGS_TEST_PG) answers, and
// freshDatabase() gives each caller a database of its own.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_REASON, POSTGRES_URL, freshDatabase } from './helpers-postgres.js';

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const userTables = `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`;

describe.skipIf(!POSTGRES_URL)(`postgres cluster ${POSTGRES_SKIP_REASON}`, () => {
  it('gives two different, empty, connectable databases', async () => {
    const [a, b] = [await freshDatabase(), await freshDatabase()];
    expect(a).not.toBe(b);
    for (const url of [a, b]) {
      await withClient(url, async (client) => {
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        expect((await client.query('SELECT current_database() AS db')).rows[0].db).toBe(new URL(url).pathname.slice(1));
        expect((await client.query(userTables)).rows[0].n).toBe(0);
      });
    }
    await withClient(a, (client) => client.query('CREATE TABLE only_in_a (id int)'));
    await withClient(a, async (client) => {
      expect((await client.query(`SELECT to_regclass('only_in_a') AS t`)).rows[0].t).toBe('only_in_a');
    });
    await withClient(b, async (client) => {
      expect((await client.query(`SELECT to_regclass('only_in_a') AS t`)).rows[0].t).toBeNull();
      expect((await client.query(userTables)).rows[0].n).toBe(0);
    });
  });

  // The developer's own server (TIDINGS_TEST_PG) authenticates as it was set up to; ours asks for a password.
  it.skipIf(Boolean(process.env.TIDINGS_TEST_PG))(
    `refuses a wrong password with SQLSTATE 28P01${process.env.TIDINGS_TEST_PG ? ' (skipped: TIDINGS_TEST_PG is a server of your own)' : ''}`,
    async () => {
      const url = new URL(POSTGRES_URL!);
      url.password = 'not-the-password';
      const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
      await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
      await client.end().catch(() => {});
    },
  );
});
