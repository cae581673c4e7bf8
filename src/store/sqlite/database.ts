// The shared layer's Database over better-sqlite3: writes through one connection, one transaction
// at a time in this process (SQLite's own locking orders them across processes); reads through a
// second one, which sees only what was committed, so that nothing rendered in the middle of an
// ingest shows half of it. And the fragments in which SQLite's SQL differs.
import type Database from 'better-sqlite3';
import { errorMessage, StoreError } from '../../errors.js';
import { toFts5 } from '../search-query.js';
import type { Database as SharedDatabase, Dialect, Sql } from '../sql.js';
import type { Db } from './open.js';

type Statement = Database.Statement<unknown[]>;

/** How long a write waits for another connection's (open.ts's busy_timeout). */
const BUSY_MS = 5000;

/** One connection's statements, prepared once per text. */
function statements(db: Db): Sql & { stmt(sql: string): Statement } {
  const cache = new Map<string, Statement>();
  const stmt = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    stmt,
    all: async <R>(sql: string, params: readonly unknown[] = []) => stmt(sql).all(...params) as R[],
    get: async <R>(sql: string, params: readonly unknown[] = []) => stmt(sql).get(...params) as R | undefined,
    run: async (sql: string, params: readonly unknown[] = []) => stmt(sql).run(...params).changes,
  };
}

export class SqliteDatabase implements SharedDatabase {
  /** Statements on the writer, for work already inside a transaction. */
  readonly writer;
  private readonly reader;
  /** The tail of the queue of writes: each waits for the one before it. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    readonly db: Db,
    readerDb: Db,
  ) {
    this.writer = statements(db);
    this.reader = statements(readerDb);
  }

  /** Runs `fn` once every write queued before it has finished: one transaction at a time. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn).catch((err: unknown) => {
      // A database opened read-only (see openDatabase): say which, and why the write failed.
      if (/^SQLITE_READONLY/.test((err as { code?: string }).code ?? ''))
        throw new StoreError(`${this.file}: cannot write: ${errorMessage(err)}`, { cause: err });
      throw err;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.reader.all<R>(sql, params);
  }

  get<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined> {
    return this.reader.get<R>(sql, params);
  }

  write<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.exclusive(() => this.writer.all<R>(sql, params));
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.exclusive(() => this.writer.run(sql, params));
  }

  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.inTransaction(() => work(this.writer)));
  }

  /**
   * Takes the write lock without blocking the event loop: another connection in this process that
   * holds it (tests run two stores on one file) must be able to go on while this one waits, which
   * a busy_timeout spent inside SQLite would not let it do. So the wait is a loop of short timers.
   */
  private async begin(): Promise<void> {
    const deadline = Date.now() + BUSY_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_MS}`);
      }
      await new Promise((ok) => setTimeout(ok, wait));
    }
  }

  /** BEGIN IMMEDIATE … COMMIT around `work`, on the writer (the caller holds the queue). */
  async inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const result = await work();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }
}

/** `flush` writes what waits for the full-text index; `read` runs a search (OffThreadReads, or the reader for a database in memory). */
export function sqliteDialect(
  flush: () => Promise<void>,
  read: <R>(sql: string, params: readonly unknown[]) => Promise<R[]>,
): Dialect {
  return {
    articleColumns: `a.id, a.source, a.identity, a.title, a.link, a.published, a.updated, a.author,
      a.summary, a.content, a.enclosures, a.language, a.content_hash, a.story, a.is_canonical, (SELECT json_group_array(json_array(t.slug, t.label)) FROM
      (SELECT tags.slug, tags.label FROM article_tags at JOIN tags ON tags.slug = at.tag
       WHERE at.article_id = a.id ORDER BY at.position) t) AS tags`,
    inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
    list: (values) => JSON.stringify(values),
    isTrue: ' = 1',
    noLimit: -1,
    skipLocked: '',
    wanted: {
      table:
        "SELECT value ->> '$[0]' AS name, value ->> '$[1]' AS last_check, value ->> '$[2]' AS check_due, key AS n FROM json_each(?)",
      params: (wanted) => [
        JSON.stringify(wanted.map((w) => [w.name, w.lastCheck?.getTime() ?? null, w.lastCheck === undefined ? 0 : 1])),
      ],
    },
    fullText: {
      flush,
      query: toFts5,
      from: 'articles_fts JOIN articles a ON a.rowid = articles_fts.rowid',
      match: 'articles_fts MATCH ?',
      notMatch: 'a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)',
      // bm25 with titles weighing four times the text.
      rank: 'bm25(articles_fts, 4.0, 1.0)',
      read,
    },
  };
}
