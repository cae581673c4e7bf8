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
];
