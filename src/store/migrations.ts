// Numbered schema migrations; PRAGMA user_version records how many have run.

export const MIGRATIONS: readonly string[] = [
  // 1: the walking skeleton.
  `
  CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    published INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    author TEXT,
    summary TEXT NOT NULL,
    content TEXT NOT NULL,
    enclosures TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    content_hash TEXT NOT NULL,
    UNIQUE (source, identity)
  );
  CREATE INDEX articles_published ON articles (published DESC);
  CREATE INDEX articles_source_published ON articles (source, published DESC);
  CREATE TABLE tags (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL
  );
  -- published is copied here so that "latest articles of a tag" is one index range scan.
  CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL REFERENCES tags(slug),
    position INTEGER NOT NULL,
    published INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX article_tags_tag_published ON article_tags (tag, published DESC);
  `,
  // 2: remote feeds keep their fetch state.
  `
  ALTER TABLE sources ADD COLUMN url TEXT;
  ALTER TABLE sources ADD COLUMN etag TEXT;
  ALTER TABLE sources ADD COLUMN last_modified TEXT;
  ALTER TABLE sources ADD COLUMN last_check INTEGER;
  ALTER TABLE sources ADD COLUMN last_success INTEGER;
  ALTER TABLE sources ADD COLUMN last_status INTEGER;
  ALTER TABLE sources ADD COLUMN last_error TEXT;
  ALTER TABLE sources ADD COLUMN consecutive_errors INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sources ADD COLUMN next_fetch INTEGER;
  ALTER TABLE sources ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sources ADD COLUMN ttl_minutes INTEGER;
  ALTER TABLE sources ADD COLUMN cache_until INTEGER;
  ALTER TABLE sources ADD COLUMN skip_hours TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE sources ADD COLUMN skip_days TEXT NOT NULL DEFAULT '[]';
  `,
  // 3: one writer at a time across processes.
  `
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires INTEGER NOT NULL
  );
  `,
];
