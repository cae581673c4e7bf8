// How the shared layer talks to a database: statements with `?` placeholders and their values, on
// a connection or inside a transaction, plus the few fragments in which the dialects' SQL differs.
// Each dialect adapts its driver to this (sqlite/database.ts, postgres/database.ts); everything
// that decides lives above it, in store/, written once.
import type { SearchNode } from './search-query.js';
import type { Wanted } from './store.js';

export interface Sql {
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  get<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** Runs a statement; how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Database extends Sql {
  /** A statement that changes rows and returns some (RETURNING), on the connection that writes. */
  write<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs `work` in one transaction: all of it or, on failure, none. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

/** Where the dialects' SQL differs in more than syntax: each says it its way. */
export interface Dialect {
  /** An article's columns as rows.ts reads them (`a.…`, its tags as [slug, label] pairs). */
  articleColumns: string;
  /** A condition: `column` is one of the values of one parameter made by `list`. */
  inList(column: string): string;
  list(values: readonly string[]): unknown;
  /** Appended to a boolean column to test it (SQLite's partial indexes ask for `= 1`). */
  isTrue: string;
  /** LIMIT's value for "no limit". */
  noLimit: number | null;
  /** Row locks a claimer takes on the sources it chooses, skipping rows another is claiming ('' where the whole database is locked). */
  skipLocked: string;
  /** The sources a claimer wants, as a table (name, last_check, check_due, n: their order) made of `params`. */
  wanted: { table: string; params(wanted: readonly Wanted[]): unknown[] };
  fullText: FullText;
}

interface FullText {
  /** Writes what waits for the index, before a query reads it. */
  flush(): Promise<void>;
  /** The query language's form in this engine (the value the fragments' `?` takes). */
  query(node: SearchNode): string;
  /** FROM for a query that matches: articles as `a`, joined to the index. */
  from: string;
  match: string;
  notMatch: string;
  /** ORDER BY's best-first term (its `?`s, if any, take the query again). */
  rank: string;
  /** Runs a statement that matches (it may cost much): within the search's time budget, off the event loop where the engine can (issue 25). */
  read<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
}

/** `?` → `$1`, `$2`…: PostgreSQL's placeholders. (No statement of ours has a `?` of its own.) */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
