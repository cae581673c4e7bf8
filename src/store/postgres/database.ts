// The shared layer's Database over node-postgres: statements on the pool, or on one client inside
// a transaction; `?` placeholders become `$n`. And the fragments in which PostgreSQL's SQL differs.
import type pg from 'pg';
import { SEARCH_BUDGET_MS, searchTooSlow, toTsquery } from '../search-query.js';
import { numbered, type Database, type Dialect, type Sql } from '../sql.js';

type Db = pg.Pool | pg.PoolClient;

/** Each statement's text with `$n` placeholders, made once. */
const texts = new Map<string, string>();
const pgText = (sql: string): string => {
  let text = texts.get(sql);
  if (text === undefined) texts.set(sql, (text = numbered(sql)));
  return text;
};

/** The Sql of one connection (or of the pool, one statement a connection). */
export function sqlOn(db: Db): Sql {
  return {
    all: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await db.query(pgText(sql), params as unknown[])).rows as R[],
    get: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await db.query(pgText(sql), params as unknown[])).rows[0] as R | undefined,
    run: async (sql: string, params: readonly unknown[] = []) =>
      (await db.query(pgText(sql), params as unknown[])).rowCount ?? 0,
  };
}

export class PgDatabase implements Database {
  private readonly sql: Sql;

  constructor(readonly pool: pg.Pool) {
    this.sql = sqlOn(pool);
  }

  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.sql.all<R>(sql, params);
  }

  get<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined> {
    return this.sql.get<R>(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.sql.run(sql, params);
  }

  write<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.sql.all<R>(sql, params);
  }

  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.onClient((client) => work(sqlOn(client)));
  }

  /** Runs `work` in one transaction on one connection of the pool. */
  async onClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

const ARTICLE_COLUMNS = `a.id, a.source, a.identity, a.title, a.link, a.published, a.updated, a.author, a.summary, a.content,
  a.enclosures, a.language, a.content_hash, a.story, a.is_canonical,
  (SELECT json_agg(json_build_array(t.slug, t.label) ORDER BY at.position) FROM article_tags at JOIN tags t ON t.slug = at.tag
   WHERE at.article_id = a.id) AS tags`;

/** PostgreSQL's fragments; its searches run with the search's time budget as their statement timeout. */
export const pgDialect = (database: PgDatabase): Dialect => ({
  articleColumns: ARTICLE_COLUMNS,
  inList: (column) => `${column} = ANY(?::text[])`,
  list: (values) => [...values],
  isTrue: '',
  noLimit: null,
  // The candidates are locked as they are chosen; rows another worker is choosing are skipped.
  skipLocked: ' FOR UPDATE OF s SKIP LOCKED',
  wanted: {
    table:
      'SELECT * FROM unnest(?::text[], ?::bigint[], ?::boolean[]) WITH ORDINALITY AS w(name, last_check, check_due, n)',
    params: (wanted) => [
      wanted.map((w) => w.name),
      wanted.map((w) => w.lastCheck?.getTime() ?? null),
      wanted.map((w) => w.lastCheck !== undefined),
    ],
  },
  fullText: {
    // The index is written with each article: nothing waits.
    flush: async () => undefined,
    query: toTsquery,
    from: 'articles a',
    match: 'a.search @@ ?::tsquery',
    notMatch: 'NOT (a.search @@ ?::tsquery)',
    // Titles (A) weigh four times the text (B), as in SQLite's bm25, and (normalization 1) a long
    // text counts for less, as bm25 weighs length.
    rank: "ts_rank('{0.1, 0.2, 0.25, 1.0}', a.search, ?::tsquery, 1) DESC",
    read: async <R>(sql: string, params: readonly unknown[]) => {
      try {
        return await database.onClient(async (client) => {
          await client.query(`SET LOCAL statement_timeout = ${SEARCH_BUDGET_MS}`);
          return (await client.query(pgText(sql), params as unknown[])).rows as R[];
        });
      } catch (err) {
        if ((err as { code?: string }).code === '57014') throw searchTooSlow(SEARCH_BUDGET_MS); // query_canceled
        throw err;
      }
    },
  },
});
