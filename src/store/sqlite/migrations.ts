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
  // 4: one story across sources (dedupe), tombstones, tag spellings.
  `
  ALTER TABLE sources ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE articles ADD COLUMN story TEXT;
  ALTER TABLE articles ADD COLUMN is_canonical INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE articles ADD COLUMN fingerprint TEXT;
  ALTER TABLE articles ADD COLUMN shingles BLOB;
  ALTER TABLE articles ADD COLUMN bands BLOB;
  ALTER TABLE articles ADD COLUMN dedupe_rule TEXT;
  ALTER TABLE articles ADD COLUMN dedupe_of TEXT;
  ALTER TABLE articles ADD COLUMN dedupe_score REAL;
  UPDATE articles SET story = id;
  CREATE INDEX articles_story ON articles (story, published);
  CREATE INDEX articles_link ON articles (link) WHERE link IS NOT NULL;
  CREATE INDEX articles_fingerprint ON articles (fingerprint) WHERE fingerprint IS NOT NULL;
  CREATE INDEX articles_canonical_published ON articles (published DESC) WHERE is_canonical = 1;
  -- The locality-sensitive index: MinHash band keys → articles (by rowid).
  CREATE TABLE lsh (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
  ) WITHOUT ROWID;
  CREATE TABLE tombstones (
    source TEXT NOT NULL,
    identity TEXT NOT NULL,
    fingerprint TEXT,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (source, identity)
  );
  CREATE INDEX tombstones_fingerprint ON tombstones (fingerprint) WHERE fingerprint IS NOT NULL;
  ALTER TABLE article_tags ADD COLUMN label TEXT;
  CREATE TABLE tag_spellings (
    tag TEXT NOT NULL,
    label TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tag, label)
  ) WITHOUT ROWID;
  INSERT INTO tag_spellings SELECT at.tag, t.label, count(*) FROM article_tags at JOIN tags t ON t.slug = at.tag GROUP BY at.tag;
  UPDATE article_tags SET label = (SELECT label FROM tags WHERE slug = article_tags.tag);
  `,
  // 5: full-text search over titles and text (SQLite FTS5), kept in step by the store.
  `
  CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
  INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, summary FROM articles;
  `,
  // 6: the raw hash of each stored entry, so that unchanged entries skip normalizing.
  `
  ALTER TABLE articles ADD COLUMN raw_hash TEXT;
  `,
  // 7: faster ingest. The full-text index batches up to 32 MiB in memory (one segment per batch
  // instead of one per MiB) and merges once 8 segments pile up rather than 4; articles wait for it
  // in search_pending (see store/store.ts). New LSH keys go to a small table first and move to the
  // big one in sorted batches (see store/stories.ts).
  `
  CREATE TABLE search_pending (article INTEGER PRIMARY KEY);
  INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 33554432);
  INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
  CREATE TABLE lsh_recent (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
  ) WITHOUT ROWID;
  `,
  // 8: processes agree through the store. A change sequence that every committed change bumps
  // (seq: what the site shows; checked: fetch outcomes), leases that name their holder's host and
  // start time, and the size, time and hash of each seed document read, so that an unchanged one
  // costs a stat.
  `
  CREATE TABLE changes (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, checked INTEGER NOT NULL);
  INSERT INTO changes VALUES (1, 0, 0);
  ALTER TABLE leases ADD COLUMN host TEXT NOT NULL DEFAULT '';
  ALTER TABLE leases ADD COLUMN started INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE documents (
    source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    hash TEXT NOT NULL,
    options TEXT NOT NULL,
    PRIMARY KEY (source, identity)
  ) WITHOUT ROWID;
  `,
  // 9: many workers. A source is claimed by the process that refreshes it, until the claim runs
  // out (a killed worker's sources go to another); a host has a few places for fetches at once,
  // shared by every process.
  `
  ALTER TABLE sources ADD COLUMN claimed_by TEXT;
  ALTER TABLE sources ADD COLUMN claim_host TEXT;
  ALTER TABLE sources ADD COLUMN claim_pid INTEGER;
  ALTER TABLE sources ADD COLUMN claim_started INTEGER;
  ALTER TABLE sources ADD COLUMN claimed_until INTEGER;
  CREATE TABLE host_slots (
    host TEXT NOT NULL,
    slot INTEGER NOT NULL,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (host, slot)
  ) WITHOUT ROWID;
  `,
  // 10: each shingle's mark (its paragraph, and whether it is quotation), for the near-duplicate
  // rule; rows stored before read as one paragraph without quotation.
  `
  ALTER TABLE articles ADD COLUMN shingle_marks BLOB;
  `,
  // 11: the configuration is the truth about sources: one gone from it is marked removed (its
  // articles out of every list at once) until its articles are purged after a grace period.
  `
  ALTER TABLE sources ADD COLUMN removed_at INTEGER;
  `,
  // 12: stories that merged when a new article bridged them (dedupe/stories.ts), for tidings explain.
  `
  CREATE TABLE story_merges (
    story TEXT NOT NULL,
    merged TEXT NOT NULL,
    article TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    score REAL NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX story_merges_story ON story_merges (story);
  `,
  // 13: what a feed calls itself and its site, for a source configured without a title (issue 20)
  // and for the OPML's htmlUrl.
  `
  ALTER TABLE sources ADD COLUMN feed_title TEXT;
  ALTER TABLE sources ADD COLUMN feed_link TEXT;
  `,
  // 14: how many entries the keep and block rules left out at the source's last read (issue 24).
  `
  ALTER TABLE sources ADD COLUMN left_out_by_rules INTEGER NOT NULL DEFAULT 0;
  `,
  // 15: events (independent reports of one event, dedupe/events.ts), found by time: an event by
  // its latest report, its reports newest first. A deleted article leaves its event.
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    size INTEGER NOT NULL,
    centroid TEXT NOT NULL
  );
  CREATE INDEX events_last ON events (last);
  CREATE TABLE event_members (
    article TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    published INTEGER NOT NULL,
    score REAL NOT NULL,
    shared TEXT NOT NULL,
    gap_hours REAL NOT NULL,
    terms TEXT NOT NULL
  );
  CREATE INDEX event_members_event ON event_members (event, published DESC);
  -- An event by its heaviest names, with its latest report: new articles find their candidates here.
  CREATE TABLE event_names (
    name TEXT NOT NULL,
    event TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (name, event)
  ) WITHOUT ROWID;
  CREATE INDEX event_names_last ON event_names (name, last);
  `,
  // 16: the normalizer version (normalize/normalizer-version.ts) each article was normalized with,
  // and each source last read with: after an upgrade a source is read again in full once, and
  // tidings doctor counts the articles made by an older one (NULL: before versions were recorded).
  `
  ALTER TABLE articles ADD COLUMN normalizer INTEGER;
  ALTER TABLE sources ADD COLUMN normalizer INTEGER;
  `,
];
