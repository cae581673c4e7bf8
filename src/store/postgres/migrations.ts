// PostgreSQL's numbered schema migrations; tidings_schema records how many have run. Times are
// milliseconds since the epoch (BIGINT), as in SQLite, so that both stores read the same rows.
import type pg from 'pg';
import { StoreError } from '../../errors.js';

const MIGRATIONS: readonly string[] = [
  // 1: everything the SQLite store has after its ninth migration, at once.
  `
  CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_check BIGINT,
    last_success BIGINT,
    last_status INTEGER,
    last_error TEXT,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    next_fetch BIGINT,
    gone BOOLEAN NOT NULL DEFAULT false,
    ttl_minutes DOUBLE PRECISION,
    cache_until BIGINT,
    skip_hours TEXT NOT NULL DEFAULT '[]',
    skip_days TEXT NOT NULL DEFAULT '[]',
    claimed_by TEXT,
    claim_host TEXT,
    claim_pid INTEGER,
    claim_started BIGINT,
    claimed_until BIGINT
  );
  CREATE TABLE articles (
    rowid BIGSERIAL UNIQUE,
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    published BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    author TEXT,
    summary TEXT NOT NULL,
    content TEXT NOT NULL,
    enclosures TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    content_hash TEXT NOT NULL,
    story TEXT NOT NULL,
    is_canonical BOOLEAN NOT NULL DEFAULT true,
    fingerprint TEXT,
    shingles BYTEA,
    bands BYTEA,
    dedupe_rule TEXT,
    dedupe_of TEXT,
    dedupe_score DOUBLE PRECISION,
    raw_hash TEXT,
    -- Titles weigh A, text B: ts_rank weighs them 1 and 0.25, as bm25 weighs them 4 and 1 in SQLite.
    search TSVECTOR NOT NULL,
    UNIQUE (source, identity)
  );
  CREATE INDEX articles_published ON articles (published DESC);
  CREATE INDEX articles_source_published ON articles (source, published DESC);
  CREATE INDEX articles_story ON articles (story, published);
  CREATE INDEX articles_link ON articles (link) WHERE link IS NOT NULL;
  CREATE INDEX articles_fingerprint ON articles (fingerprint) WHERE fingerprint IS NOT NULL;
  CREATE INDEX articles_canonical_published ON articles (published DESC) WHERE is_canonical;
  CREATE INDEX articles_search ON articles USING GIN (search);
  -- lz4 (PostgreSQL 14 and later, when built with it) where the big values are: it halves the cost of
  -- storing an article, the search index's included (pglz's decompression is slow).
  DO $$ BEGIN
    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
      ALTER TABLE articles ALTER COLUMN content SET COMPRESSION lz4, ALTER COLUMN summary SET COMPRESSION lz4,
        ALTER COLUMN search SET COMPRESSION lz4;
    END IF;
  END $$;
  CREATE TABLE tags (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL
  );
  CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL REFERENCES tags(slug),
    position INTEGER NOT NULL,
    published BIGINT NOT NULL,
    label TEXT,
    PRIMARY KEY (article_id, tag)
  );
  CREATE INDEX article_tags_tag_published ON article_tags (tag, published DESC);
  CREATE TABLE tag_spellings (
    tag TEXT NOT NULL,
    label TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tag, label)
  );
  CREATE TABLE tombstones (
    source TEXT NOT NULL,
    identity TEXT NOT NULL,
    fingerprint TEXT,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (source, identity)
  );
  CREATE INDEX tombstones_fingerprint ON tombstones (fingerprint) WHERE fingerprint IS NOT NULL;
  -- The near-duplicate index: band keys (with their week) → articles.
  CREATE TABLE lsh (
    key BIGINT NOT NULL,
    article BIGINT NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
    PRIMARY KEY (key, article)
  );
  CREATE INDEX lsh_article ON lsh (article);
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL,
    started BIGINT NOT NULL DEFAULT 0,
    expires BIGINT NOT NULL
  );
  CREATE TABLE changes (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, checked BIGINT NOT NULL);
  INSERT INTO changes VALUES (1, 0, 0);
  CREATE TABLE documents (
    source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    size BIGINT NOT NULL,
    mtime BIGINT NOT NULL,
    hash TEXT NOT NULL,
    options TEXT NOT NULL,
    PRIMARY KEY (source, identity)
  );
  CREATE TABLE host_slots (
    host TEXT NOT NULL,
    slot INTEGER NOT NULL,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL,
    PRIMARY KEY (host, slot)
  );
  `,
  // 2: each shingle's mark (its paragraph, and whether it is quotation), for the near-duplicate
  // rule; rows stored before read as one paragraph without quotation.
  `
  ALTER TABLE articles ADD COLUMN shingle_marks BYTEA;
  `,
  // 3: the configuration is the truth about sources: one gone from it is marked removed (its
  // articles out of every list at once) until its articles are purged after a grace period.
  `
  ALTER TABLE sources ADD COLUMN removed_at BIGINT;
  `,
  // 4: stories that merged when a new article bridged them (dedupe/stories.ts), for tidings explain.
  `
  CREATE TABLE story_merges (
    story TEXT NOT NULL,
    merged TEXT NOT NULL,
    article TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX story_merges_story ON story_merges (story);
  `,
  // 5: what a feed calls itself and its site (issue 20), as SQLite migration 13.
  `
  ALTER TABLE sources ADD COLUMN feed_title TEXT;
  ALTER TABLE sources ADD COLUMN feed_link TEXT;
  `,
  // 6: how many entries the keep and block rules left out at the source's last read (issue 24).
  `
  ALTER TABLE sources ADD COLUMN left_out_by_rules INTEGER NOT NULL DEFAULT 0;
  `,
  // 7: events (independent reports of one event, dedupe/events.ts), found by time: an event by
  // its latest report, its reports newest first. A deleted article leaves its event.
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    first BIGINT NOT NULL,
    last BIGINT NOT NULL,
    size INTEGER NOT NULL,
    centroid TEXT NOT NULL
  );
  CREATE INDEX events_last ON events (last);
  CREATE TABLE event_members (
    article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    published BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    shared TEXT NOT NULL,
    gap_hours DOUBLE PRECISION NOT NULL,
    terms TEXT NOT NULL
  );
  CREATE INDEX event_members_event ON event_members (event, published DESC);
  -- An event by its heaviest names, with its latest report: new articles find their candidates here.
  CREATE TABLE event_names (
    name TEXT NOT NULL,
    event TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (name, event)
  );
  CREATE INDEX event_names_last ON event_names (name, last);
  `,
  // 8: a tag's spelling counts as changes, one row per ingest, summed when read (ingests of a
  // common tag no longer update one row each); the rows so far are kept as they are.
  `
  ALTER TABLE tag_spellings DROP CONSTRAINT tag_spellings_pkey;
  CREATE INDEX tag_spellings_tag ON tag_spellings (tag, label);
  `,
  // 9: the normalizer version each article was normalized with and each source last read with, as
  // SQLite migration 16.
  `
  ALTER TABLE articles ADD COLUMN normalizer INTEGER;
  ALTER TABLE sources ADD COLUMN normalizer INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Two processes starting at once migrate one after the other. */
const MIGRATION_LOCK = 0x7469646e; // "tidn"

export async function migrate(pool: pg.Pool, where: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS tidings_schema (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM tidings_schema')).rows[0];
    const version = row?.version ?? 0;
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        `${where}: the database was written by a newer Tidings (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade Tidings or use another --db`,
      );
    for (let v = version; v < SCHEMA_VERSION; v += 1) await client.query(MIGRATIONS[v]!);
    if (!row) await client.query('INSERT INTO tidings_schema VALUES ($1)', [SCHEMA_VERSION]);
    else await client.query('UPDATE tidings_schema SET version = $1', [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
