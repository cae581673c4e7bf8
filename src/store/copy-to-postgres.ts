// Moving to PostgreSQL: copies an SQLite database, as one consistent snapshot, into an empty
// PostgreSQL database, in one transaction (all of it or, on failure, nothing), then counts both.
// Sources and their fetch state, articles with their stories and dedupe index, tags, tombstones and
// the seed documents' stamps are copied; leases, claims and host slots belong to running processes
// and are not. Article rows keep their ids and row numbers, so the dedupe index copies as it is.
import type pg from 'pg';
import { describeDatabase } from '../config/paths.js';
import { ConfigError, StoreError, errorMessage } from '../errors.js';
import { textOfSanitized } from '../lib/html-text.js';
import { connect } from './postgres/connect.js';
import { migrate } from './postgres/migrations.js';
import { INSERT_COLUMNS } from './article-rows.js';
import { toTsvector } from './search-query.js';
import { openDatabase, type Db } from './sqlite/open.js';
import { plural } from '../lib/plural.js';

const BATCH = 1000;

interface Table {
  name: string;
  /** The SELECT that reads the SQLite rows, in the PostgreSQL table's column order. */
  select: string;
  /** PostgreSQL's type of each column, for unnest. */
  types: string[];
  /** The INSERT's column list. */
  columns: string;
  /** Converts one SQLite row (an array) in place before it is sent. */
  convert?: (row: unknown[]) => void;
}

const bool = (at: number) => (row: unknown[]) => void (row[at] = row[at] === null ? null : Boolean(row[at]));

const SOURCE_COLUMNS = `name, type, location, created_at, position, url, etag, last_modified, last_check, last_success, last_status,
  last_error, consecutive_errors, next_fetch, gone, ttl_minutes, cache_until, skip_hours, skip_days, feed_title, feed_link, removed_at, left_out_by_rules, normalizer`;
/** Every column of an article's row as both stores write it (article-rows.ts), with its row number and canonical mark. */
const ARTICLE_TYPES: readonly { name: string; type: string }[] = [
  { name: 'rowid', type: 'bigint' },
  ...INSERT_COLUMNS,
  { name: 'is_canonical', type: 'boolean' },
];
const ARTICLE_COLUMNS = ARTICLE_TYPES.map((c) => c.name).join(', ');
const at = (name: string) => ARTICLE_TYPES.findIndex((c) => c.name === name);

/** In the order foreign keys need. */
const TABLES: Table[] = [
  {
    name: 'sources',
    select: `SELECT ${SOURCE_COLUMNS} FROM sources ORDER BY name`,
    types: [
      'text',
      'text',
      'text',
      'bigint',
      'int',
      'text',
      'text',
      'text',
      'bigint',
      'bigint',
      'int',
      'text',
      'int',
      'bigint',
      'boolean',
      'float8',
      'bigint',
      'text',
      'text',
      'text',
      'text',
      'bigint',
      'int',
      'int',
    ],
    columns: SOURCE_COLUMNS,
    convert: bool(14),
  },
  {
    name: 'tags',
    select: 'SELECT slug, label FROM tags ORDER BY slug',
    types: ['text', 'text'],
    columns: 'slug, label',
  },
  {
    name: 'tag_spellings',
    select: 'SELECT tag, label, n FROM tag_spellings',
    types: ['text', 'text', 'int'],
    columns: 'tag, label, n',
  },
  {
    name: 'articles',
    // Articles from before stories were recorded are each their own story.
    select: `SELECT ${ARTICLE_COLUMNS.replace(', story,', ', coalesce(story, id),')}, '' FROM articles ORDER BY rowid`,
    types: [...ARTICLE_TYPES.map((c) => c.type), 'tsvector'],
    columns: `${ARTICLE_COLUMNS}, search`,
    convert: (row) => {
      bool(at('is_canonical'))(row);
      // The full-text index, built as the PostgreSQL store builds it.
      row[ARTICLE_TYPES.length] = toTsvector(
        row[at('title')] as string,
        textOfSanitized(row[at('content')] as string) || (row[at('summary')] as string),
      );
    },
  },
  {
    name: 'article_tags',
    select: 'SELECT article_id, tag, position, published, label FROM article_tags',
    types: ['text', 'text', 'int', 'bigint', 'text'],
    columns: 'article_id, tag, position, published, label',
  },
  // The dedupe index: SQLite keeps its newest keys apart (lsh_recent); PostgreSQL has one table.
  {
    name: 'lsh',
    select: 'SELECT key, article FROM lsh UNION SELECT key, article FROM lsh_recent',
    types: ['bigint', 'bigint'],
    columns: 'key, article',
  },
  {
    name: 'tombstones',
    select: 'SELECT source, identity, fingerprint, deleted_at FROM tombstones',
    types: ['text', 'text', 'text', 'bigint'],
    columns: 'source, identity, fingerprint, deleted_at',
  },
  {
    name: 'documents',
    select: 'SELECT source, identity, size, mtime, hash, options FROM documents',
    types: ['text', 'text', 'bigint', 'bigint', 'text', 'text'],
    columns: 'source, identity, size, mtime, hash, options',
  },
  {
    name: 'event_names',
    select: 'SELECT name, event, last FROM event_names',
    types: ['text', 'text', 'bigint'],
    columns: 'name, event, last',
  },
  {
    name: 'events',
    select: 'SELECT id, first, last, size, centroid FROM events',
    types: ['text', 'bigint', 'bigint', 'int', 'text'],
    columns: 'id, first, last, size, centroid',
  },
  {
    name: 'story_merges',
    select: 'SELECT story, merged, article, a, b, score, at FROM story_merges',
    types: ['text', 'text', 'text', 'text', 'text', 'float8', 'bigint'],
    columns: 'story, merged, article, a, b, score, at',
  },
  {
    name: 'event_members',
    select: 'SELECT article, event, published, score, shared, gap_hours, terms FROM event_members',
    types: ['text', 'text', 'bigint', 'float8', 'text', 'float8', 'text'],
    columns: 'article, event, published, score, shared, gap_hours, terms',
  },
];

/** What a copy counted: rows per table in SQLite and, after the copy, in PostgreSQL. */
export interface CopyReport {
  tables: { name: string; from: number; to: number }[];
  stories: { from: number; to: number };
}

export type CopyProgress = (table: string, done: number, total: number) => void;

const countOf = (db: Db, table: Table) => db.prepare(`SELECT count(*) FROM (${table.select})`).pluck().get() as number;

/**
 * Copies the SQLite database `file` (which exists) into the empty PostgreSQL database at `url`. Throws, leaving
 * PostgreSQL as it was, when the target is not empty or anything fails; the report's counts say
 * whether every row arrived (the caller decides what a difference means).
 */
export async function copyToPostgres(
  file: string,
  url: string,
  progress: CopyProgress = () => undefined,
): Promise<CopyReport> {
  const where = describeDatabase(url);
  const sqlite = openDatabase(file); // brings an older file up to this version's schema first
  const pool = await connect(url).catch((err) => {
    sqlite.close();
    throw err;
  });
  try {
    await migrate(pool, where);
    const client = await pool.connect();
    try {
      // One snapshot of SQLite (other processes may go on writing it) into one transaction.
      sqlite.exec('BEGIN');
      await client.query('BEGIN');
      const held = await client.query<{ sources: number; articles: number }>(
        'SELECT (SELECT count(*)::int FROM sources) AS sources, (SELECT count(*)::int FROM articles) AS articles',
      );
      const { sources, articles } = held.rows[0]!;
      if (sources || articles)
        throw new ConfigError(
          `${where} is not empty (${plural(sources, 'source')}, ${plural(articles, 'article')}): migrate into a new, empty database`,
        );
      const tables: CopyReport['tables'] = [];
      for (const table of TABLES) {
        const from = countOf(sqlite, table);
        await copyTable(sqlite, client, table, from, progress);
        tables.push({
          name: table.name,
          from,
          to: Number((await client.query(`SELECT count(*) FROM ${table.name}`)).rows[0].count),
        });
      }
      const seq = sqlite.prepare('SELECT seq FROM changes').pluck().get() as number | undefined;
      await client.query(
        "SELECT setval(pg_get_serial_sequence('articles', 'rowid'), greatest((SELECT max(rowid) FROM articles), 1))",
      );
      // A change for every server: what they cached of the old store is not this store's.
      await client.query('UPDATE changes SET seq = $1 + 1', [seq ?? 0]);
      const stories = {
        from: sqlite.prepare('SELECT count(DISTINCT coalesce(story, id)) FROM articles').pluck().get() as number,
        to: Number((await client.query('SELECT count(DISTINCT story) FROM articles')).rows[0].count),
      };
      await client.query('COMMIT');
      return { tables, stories };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (err instanceof ConfigError || err instanceof StoreError) throw err;
      throw new StoreError(`copying ${file} into ${where}: ${errorMessage(err)}`, { cause: err });
    } finally {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      client.release();
    }
  } finally {
    sqlite.close();
    await pool.end();
  }
}

async function copyTable(
  sqlite: Db,
  client: pg.PoolClient,
  table: Table,
  total: number,
  progress: CopyProgress,
): Promise<void> {
  const casts = table.types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  const insert = `INSERT INTO ${table.name} (${table.columns}) SELECT * FROM unnest(${casts})`;
  let done = 0;
  let rows: unknown[][] = [];
  const flush = async () => {
    if (!rows.length) return;
    const columns = table.types.map((_, c) => rows.map((r) => r[c]));
    await client.query(insert, columns);
    done += rows.length;
    rows = [];
    progress(table.name, done, total);
  };
  for (const row of sqlite.prepare(table.select).raw().iterate() as IterableIterator<unknown[]>) {
    table.convert?.(row);
    rows.push(row);
    if (rows.length === BATCH) await flush();
  }
  await flush();
  if (!done) progress(table.name, 0, total);
}
