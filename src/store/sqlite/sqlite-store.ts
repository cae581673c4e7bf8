// The embedded store: SQLite through better-sqlite3. Its calls are synchronous underneath; the
// Store interface is asynchronous so that other stores can stand behind it. Writes go through one
// connection, one transaction at a time in this process (the lease and SQLite's own locking
// serialize them across processes); reads go through a second one, which sees only what was
// committed, so that nothing rendered in the middle of an ingest shows half of it.
import { existsSync, statSync } from 'node:fs';
import { errorMessage, StoreError } from '../../errors.js';
import { parseSearch, toFts5 } from '../search-query.js';
import { groupTags, sameTags, type TagRow } from '../rows.js';
import type { Article, Changes, DocumentStamp, Entry, EventCandidate, EventMembership, FetchState, Holder, IngestCounts, IngestPlan, StoryCandidate, StoryDecisions, StoryLink, StoryMergeRecord, Tag } from '../../model.js';
import type {
  ArticleQuery,
  Claim,
  DuplicateGroup,
  FailureRecord,
  IngestTransaction,
  LeaseHolder,
  SearchFilters,
  ArticleFilter,
  RemovedSource,
  SourceRow,
  Store,
  StoreStats,
  SuccessRecord,
  TagCount,
  Wanted,
} from '../store.js';
import { articleId, keysBlob, resolveStories, LIVE_ARTICLE, liveTagCounts, marksBlob, REMOVED_TAG_COUNTS, shinglesBlob, toArticle, type ArticleRow } from '../rows.js';
import { Claims } from './claims.js';
import { SqliteEvents } from './events.js';
import { FetchStates } from './fetch-states.js';
import { Leases } from './leases.js';
import { openDatabase, openReader, SCHEMA_VERSION, type Db } from './open.js';
import { SEARCH_BATCH, SearchIndex } from './search-index.js';
import { OffThreadReads } from './off-thread-reads.js';
import { SqliteStoryIndex } from './story-index.js';

/** What the store found of an entry's identity when it planned the ingest. */
interface Known {
  rowid: number;
  id: string;
  first_seen: number;
  bands: Buffer | null;
}

/** A plan as this store makes it: the edited entries' rows ride along. */
interface SqlitePlan extends IngestPlan {
  known: Known[];
}

const ARTICLE_COLUMNS = `a.id, a.source, a.identity, a.title, a.link, a.published, a.updated, a.author,
  a.summary, a.content, a.enclosures, a.language, a.content_hash, a.story, a.is_canonical, (SELECT json_group_array(json_array(t.slug, t.label)) FROM
  (SELECT tags.slug, tags.label FROM article_tags at JOIN tags ON tags.slug = at.tag
   WHERE at.article_id = a.id ORDER BY at.position) t) AS tags`;

export class SqliteStore implements Store {
  /** For tests that look inside; nothing outside store/ touches it. */
  readonly db: Db;
  private readonly reader: Db;
  private readonly states: FetchStates;
  private readonly leases: Leases;
  private readonly claims: Claims;
  private readonly stories: SqliteStoryIndex;
  private readonly events: SqliteEvents;
  private readonly searchIndex: SearchIndex;
  /** Full-text searches, off the main thread (a database in memory has no other connection). */
  private readonly searches?: OffThreadReads;
  private readonly stmt;
  /** The tail of the queue of writes: each waits for the one before it. */
  private writes: Promise<unknown> = Promise.resolve();
  /** The open transaction changed what the site shows. */
  private changed = false;
  /** The change sequence as last read, and the reader's data_version it was read at. */
  private seen?: { version: number; changes: Changes };

  constructor(
    private readonly file: string,
    db = openDatabase(file),
  ) {
    this.db = db;
    const reader = file === ':memory:' ? db : openReader(file);
    this.reader = reader;
    this.states = new FetchStates(db, reader);
    this.leases = new Leases(db, reader);
    this.claims = new Claims(db, reader);
    this.stories = new SqliteStoryIndex(db, reader);
    this.events = new SqliteEvents(db, reader);
    this.searchIndex = new SearchIndex(db);
    if (file !== ':memory:') this.searches = new OffThreadReads(file);
    this.stmt = {
      // A changed configured location starts the fetch state afresh.
      upsertSource: db.prepare(
        `INSERT INTO sources (name, type, location, created_at, position) VALUES (@name, @type, @location, @now, @position)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, location = excluded.location, position = excluded.position,
           url = CASE WHEN location = excluded.location THEN url END,
           etag = CASE WHEN location = excluded.location THEN etag END,
           last_modified = CASE WHEN location = excluded.location THEN last_modified END,
           gone = CASE WHEN location = excluded.location THEN gone ELSE 0 END`,
      ),
      setRawHash: db.prepare('UPDATE articles SET raw_hash = @hash WHERE rowid = @rowid AND raw_hash IS NOT @hash'),
      rawHashes: reader.prepare('SELECT identity, raw_hash FROM articles WHERE source = ? AND raw_hash IS NOT NULL').raw(),
      bump: db.prepare('UPDATE changes SET seq = seq + @seq, checked = checked + @checked'),
      changes: reader.prepare('SELECT seq, checked FROM changes'),
      stamps: reader.prepare('SELECT identity, size, mtime, hash FROM documents WHERE source = ? AND options = ?'),
      stamp: db.prepare(
        `INSERT INTO documents (source, identity, size, mtime, hash, options) VALUES (@source, @identity, @size, @mtime, @hash, @options)
         ON CONFLICT (source, identity) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash, options = excluded.options`,
      ),
      findHash: db.prepare('SELECT rowid, id, content_hash, first_seen, bands FROM articles WHERE source = ? AND identity = ?'),
      tombstoned: db.prepare('SELECT 1 FROM tombstones WHERE (source = ? AND identity = ?) OR fingerprint = ? LIMIT 1'),
      insert: db.prepare(
        `INSERT INTO articles (id, source, identity, title, link, published, updated, first_seen, author, summary,
           content, enclosures, language, content_hash, story, dedupe_rule, dedupe_of, dedupe_score, fingerprint, shingles, shingle_marks, bands, raw_hash)
         VALUES (@id, @source, @identity, @title, @link, @published, @updated, @first_seen, @author, @summary,
           @content, @enclosures, @language, @content_hash, @story, @rule, @of, @score, @fingerprint, @shingles, @shingle_marks, @bands, @raw_hash)`,
      ),
      update: db.prepare(
        `UPDATE articles SET title = @title, link = @link, published = @published, updated = @updated,
           author = @author, summary = @summary, content = @content, enclosures = @enclosures,
           language = @language, content_hash = @content_hash, fingerprint = @fingerprint, shingles = @shingles, shingle_marks = @shingle_marks,
           bands = CASE WHEN bands IS NULL THEN NULL ELSE @bands END, raw_hash = @raw_hash WHERE id = @id`,
      ),
      upsertTag: db.prepare('INSERT INTO tags (slug, label) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING'),
      clearTags: db.prepare('DELETE FROM article_tags WHERE article_id = ? RETURNING tag, label'),
      addTag: db.prepare('INSERT INTO article_tags (article_id, tag, position, published, label) VALUES (?, ?, ?, ?, ?)'),
      // The label of a tag is its most frequent spelling: counted per spelling, switched when overtaken.
      spell: db.prepare('INSERT INTO tag_spellings (tag, label, n) VALUES (?, ?, ?) ON CONFLICT (tag, label) DO UPDATE SET n = n + excluded.n RETURNING n'),
      relabel: db.prepare(
        `UPDATE tags SET label = @label WHERE slug = @tag AND label <> @label
           AND @n > coalesce((SELECT n FROM tag_spellings WHERE tag = @tag AND label = tags.label), 0)`,
      ),
      article: reader.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?`),
      contentByLink: reader.prepare('SELECT content FROM articles WHERE link = ? AND source <> ? ORDER BY length(content) DESC LIMIT 1').pluck(),
      // A tag's spellings count its articles (each tag of an article is one spelling of it): summed
      // over a few rows per tag rather than counted over every article's tags.
      tagCounts: reader.prepare(
        `SELECT tags.slug, tags.label, sum(s.n) AS count FROM tag_spellings s JOIN tags ON tags.slug = s.tag
         GROUP BY tags.slug HAVING count > 0 ORDER BY count DESC, tags.slug`,
      ),
      tag: reader.prepare('SELECT slug, label FROM tags WHERE slug = ?'),
      tagPage: reader.prepare(
        `SELECT ${ARTICLE_COLUMNS}, (a.is_canonical = 1 OR EXISTS (SELECT 1 FROM articles c JOIN article_tags ct ON ct.article_id = c.id
           AND ct.tag = x.tag WHERE c.story = a.story AND c.is_canonical = 1)) AS canon_has_tag
         FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.tag = ? AND ${LIVE_ARTICLE}
         ORDER BY x.published DESC, a.id LIMIT ? OFFSET ?`,
      ),
      carriers: reader.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.story = (SELECT story FROM articles WHERE id = ?) ORDER BY a.published, a.id`),
      storyMembers: reader.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.story = ? ORDER BY a.is_canonical DESC, a.published, a.id`),
      duplicateStories: reader.prepare('SELECT story FROM articles GROUP BY story HAVING count(*) > 1 ORDER BY max(published) DESC').pluck(),
      storyCounts: reader.prepare(`SELECT count(*) AS articles, coalesce(sum(is_canonical), 0) AS stories, count(*) - coalesce(sum(is_canonical), 0) AS merged FROM articles a WHERE ${LIVE_ARTICLE}`),
      removedTagCounts: reader.prepare(REMOVED_TAG_COUNTS),
      retire: db.prepare('UPDATE sources SET removed_at = @now WHERE removed_at IS NULL AND name NOT IN (SELECT value FROM json_each(@names)) RETURNING name').pluck(),
      restore: db.prepare('UPDATE sources SET removed_at = NULL WHERE removed_at IS NOT NULL AND name IN (SELECT value FROM json_each(@names)) RETURNING name').pluck(),
      storiesOf: db.prepare('SELECT DISTINCT story FROM articles WHERE source IN (SELECT value FROM json_each(?))').pluck(),
      forgetRemoved: db.prepare('DELETE FROM sources WHERE removed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles WHERE source = sources.name)'),
      removedSources: reader.prepare('SELECT s.name, s.removed_at, (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles FROM sources s WHERE s.removed_at IS NOT NULL ORDER BY s.name'),
      changedSources: reader.prepare('SELECT DISTINCT source FROM articles WHERE first_seen >= ? OR updated >= ?').pluck(),
      changedTags: reader.prepare('SELECT DISTINCT at.tag FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE a.first_seen >= ? OR a.updated >= ?').pluck(),
      findForDelete: db.prepare('SELECT rowid, id, source, identity, fingerprint, story FROM articles WHERE id = ?'),
      tombstone: db.prepare(
        'INSERT INTO tombstones (source, identity, fingerprint, deleted_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, identity) DO UPDATE SET deleted_at = excluded.deleted_at',
      ),
      deleteArticle: db.prepare('DELETE FROM articles WHERE rowid = ?'),
      allTags: db.prepare('SELECT article_id AS id, tag AS slug, label, published FROM article_tags ORDER BY article_id, position'),
      dropUnusedTags: db.prepare('DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = tags.slug)'),
      olderThan: reader.prepare('SELECT id FROM articles WHERE published < ?').pluck(),
      beyondNewest: reader.prepare('SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY source ORDER BY published DESC, id) AS n FROM articles) WHERE n > ?').pluck(),
    };
  }

  /** Runs `fn` once every write queued before it has finished: one transaction at a time. */
  private exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn).catch((err: unknown) => {
      // A database opened read-only (see openDatabase): say which, and why the write failed.
      if (/^SQLITE_READONLY/.test((err as { code?: string }).code ?? '')) throw new StoreError(`${this.file}: cannot write: ${errorMessage(err)}`, { cause: err });
      throw err;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  async upsertSource(source: SourceRow, now: Date, position = 0): Promise<void> {
    await this.exclusive(() => this.stmt.upsertSource.run({ ...source, now: now.getTime(), position }));
  }

  async fetchState(name: string): Promise<FetchState | undefined> {
    return this.states.get(name);
  }

  async fetchStates(): Promise<FetchState[]> {
    return this.states.list();
  }

  recordSuccess(name: string, now: Date, record: SuccessRecord): Promise<void> {
    return this.exclusive(() => this.db.transaction(() => {
      this.states.recordSuccess(name, now, record);
      this.stmt.bump.run({ seq: 0, checked: 1 });
    }).immediate());
  }

  recordFailure(name: string, now: Date, record: FailureRecord): Promise<void> {
    return this.exclusive(() => this.db.transaction(() => {
      this.states.recordFailure(name, now, record);
      this.stmt.bump.run({ seq: 0, checked: 1 });
    }).immediate());
  }

  enableSource(name: string): Promise<boolean> {
    return this.exclusive(() => this.db.transaction(() => {
      const enabled = this.states.enable(name);
      if (enabled) this.stmt.bump.run({ seq: 1, checked: 0 });
      return enabled;
    }).immediate());
  }

  noteChange(): Promise<void> {
    return this.exclusive(() => void this.stmt.bump.run({ seq: 1, checked: 0 }));
  }

  async changes(): Promise<Changes> {
    // data_version moves when another connection commits (this process's writer included): until
    // it does, the sequence read last is still right, and checking costs one pragma.
    const version = this.reader.pragma('data_version', { simple: true }) as number;
    if (this.seen?.version !== version || this.reader === this.db) this.seen = { version, changes: this.stmt.changes.get() as Changes };
    return this.seen.changes;
  }

  shiftTimes(ms: number): Promise<void> {
    return this.exclusive(() => this.db.transaction(() => {
      this.states.shift(ms);
      this.leases.shift(ms);
      this.claims.shift(ms);
    }).immediate());
  }

  claimSources(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): Promise<string[]> {
    return this.exclusive(() => this.claims.claim(holder, wanted, limit, until, now));
  }

  renewClaims(holder: string, until: Date): Promise<void> {
    return this.exclusive(() => this.claims.renew(holder, until));
  }

  releaseClaim(source: string, holder: string): Promise<void> {
    return this.exclusive(() => this.claims.release(source, holder));
  }

  async claimsOn(names: readonly string[], now: Date): Promise<Claim[]> {
    return this.claims.on(names, now);
  }

  breakClaims(holder: string): Promise<number> {
    return this.exclusive(() => this.claims.break(holder));
  }

  takeHostSlot(host: string, slots: number, holder: string, until: Date, now: Date): Promise<number | undefined> {
    return this.exclusive(() => this.claims.takeSlot(host, slots, holder, until, now));
  }

  releaseHostSlot(host: string, slot: number, holder: string): Promise<void> {
    return this.exclusive(() => this.claims.releaseSlot(host, slot, holder));
  }

  async documentStamps(source: string, options: string): Promise<Record<string, DocumentStamp>> {
    return Object.fromEntries((this.stmt.stamps.all(source, options) as DocumentStamp[]).map((d) => [d.identity, d]));
  }

  acquireLease(name: string, holder: Holder, ttlMs: number, now: Date): Promise<boolean> {
    return this.exclusive(() => this.db.transaction(() => this.leases.acquire(name, holder, ttlMs, now)).immediate());
  }

  renewLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.exclusive(() => this.leases.renew(name, holder, ttlMs, now));
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.exclusive(() => void this.leases.release(name, holder));
  }

  async leaseHolder(name: string, now: Date): Promise<LeaseHolder | undefined> {
    return this.leases.holderOf(name, now);
  }

  async rawHashes(source: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.stmt.rawHashes.all(source) as [string, string][]);
  }

  ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      this.changed = false;
      let result: T;
      try {
        result = await work(this.transaction);
        if (this.changed) this.stmt.bump.run({ seq: 1, checked: 0 });
        this.db.exec('COMMIT');
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
      if (this.searchIndex.size >= SEARCH_BATCH) this.searchIndex.flush();
      return result;
    });
  }

  /** What an ingest sees: the plan, the story lookups and the write, all on this connection. */
  private readonly transaction: IngestTransaction = {
    plan: async (source, entries) => this.plan(source, entries),
    write: async (plan, stories, now) => this.write(plan as SqlitePlan, stories, now),
    findByLinks: async (links, except) => this.stories.findByLinks(links, except),
    findByFingerprints: async (fingerprints, except) => this.stories.findByFingerprints(fingerprints, except),
    findByKeys: async (keys, except) => this.stories.findByKeys(keys, except),
    articleIds: async (source, identities) => identities.map((identity) => articleId(source, identity)),
    eventsNamed: async (names, since, limit) => this.events.named(names, since, limit),
    eventsOf: async (articles) => this.events.eventsOf(articles),
    saveEvents: async (events, members) => this.events.save(events, members),
    recordDocuments: async (source, stamps, options) => {
      for (const d of stamps) this.stmt.stamp.run({ source, ...d, options });
    },
    pause: () => new Promise<void>((ok) => setImmediate(ok)),
  };

  private plan(source: string, entries: readonly Entry[]): SqlitePlan {
    const plan: SqlitePlan = { source, fresh: [], edited: [], unchanged: 0, keptOut: 0, known: [] };
    // One entry per identity: the last one given wins.
    const last = new Map(entries.map((e) => [e.identity, e]));
    for (const entry of last.values()) {
      const known = this.stmt.findHash.get(source, entry.identity) as (Known & { content_hash: string }) | undefined;
      if (known?.content_hash === entry.contentHash) {
        if (entry.rawHash) this.stmt.setRawHash.run({ hash: entry.rawHash, rowid: known.rowid });
        plan.unchanged += 1;
      } else if (known) {
        plan.edited.push(entry);
        plan.known.push(known);
      } else if (this.stmt.tombstoned.get(source, entry.identity, entry.fingerprint?.exact ?? null)) {
        // Deleted and purged articles stay deleted.
        plan.keptOut += 1;
      } else {
        plan.fresh.push(entry);
      }
    }
    return plan;
  }

  private write(plan: SqlitePlan, stories: StoryDecisions, now: Date): IngestCounts {
    if (plan.fresh.length || plan.edited.length) this.changed = true;
    this.spellings = new Map();
    try {
      const fresh = resolveStories(plan.source, plan.fresh, stories.fresh);
      plan.fresh.forEach((entry, i) => this.insertArticle(plan.source, entry, fresh[i]!, now));
      plan.edited.forEach((entry, i) => this.updateArticle(plan.source, entry, plan.known[i]!, stories.edited[i]!, now));
      this.settleSpellings();
    } finally {
      this.spellings = undefined;
    }
    return { new: plan.fresh.length, updated: plan.edited.length, unchanged: plan.unchanged, keptOut: plan.keptOut };
  }

  private row(source: string, entry: Entry, id: string) {
    const fp = entry.fingerprint;
    return {
      id,
      source,
      identity: entry.identity,
      title: entry.title,
      link: entry.link ?? null,
      published: entry.published.getTime(),
      author: entry.author ?? null,
      summary: entry.summary,
      content: entry.content,
      enclosures: JSON.stringify(entry.enclosures),
      language: entry.language ?? null,
      content_hash: entry.contentHash,
      fingerprint: fp?.exact ?? null,
      shingles: shinglesBlob(fp),
      shingle_marks: marksBlob(fp),
      raw_hash: entry.rawHash ?? null,
    };
  }

  private insertArticle(source: string, entry: Entry, story: StoryDecisions['fresh'][number], now: Date): void {
    const id = articleId(source, entry.identity);
    const { match, keys } = story;
    const row = {
      ...this.row(source, entry, id),
      updated: (entry.updated ?? entry.published).getTime(),
      first_seen: now.getTime(),
      story: match?.story ?? id,
      rule: match?.rule ?? null,
      of: match?.with ?? null,
      score: match?.score ?? null,
      bands: keysBlob(keys),
    };
    const rowid = Number(this.stmt.insert.run(row).lastInsertRowid);
    this.searchIndex.queue(rowid, false, entry.title, entry.text, entry.summary);
    this.addTags(id, entry.tags, row.published);
    if (match?.merges?.length) this.stories.mergeStories(match, id, now);
    else if (match) this.stories.settleCanonical(match, rowid);
    this.stories.index(rowid, keys);
  }

  private updateArticle(source: string, entry: Entry, known: Known, keys: number[], now: Date): void {
    const row = { ...this.row(source, entry, known.id), updated: now.getTime(), bands: keysBlob(keys) };
    this.stmt.update.run(row);
    for (const old of this.stmt.clearTags.all(known.id) as { tag: string; label: string }[]) this.spell(old.tag, old.label, -1);
    this.searchIndex.queue(known.rowid, true, entry.title, entry.text, entry.summary);
    this.addTags(known.id, entry.tags, row.published);
    // The article's index keys follow its new text (an article left out of the index stays out).
    if (known.bands) {
      this.stories.removeKeys(known.rowid, known.bands);
      this.stories.index(known.rowid, keys);
    }
  }

  private addTags(id: string, tags: Tag[], published: number): void {
    tags.forEach((tag, position) => {
      if (!this.spellings?.has(tag.slug)) this.stmt.upsertTag.run(tag.slug, tag.label);
      this.stmt.addTag.run(id, tag.slug, position, published, tag.label);
      this.spell(tag.slug, tag.label, 1);
    });
  }

  /**
   * While a write runs, the spellings it adds and removes are summed, and counted once per tag
   * and spelling when it ends (settleSpellings): a chunk of a feed repeats the same few tags.
   */
  private spellings?: Map<string, Map<string, number>>;

  private spell(tag: string, label: string, delta: number): void {
    if (!this.spellings) return this.countSpelling(tag, label, delta);
    const labels = this.spellings.get(tag) ?? new Map<string, number>();
    this.spellings.set(tag, labels.set(label, (labels.get(label) ?? 0) + delta));
  }

  private settleSpellings(): void {
    const spellings = this.spellings!;
    this.spellings = undefined;
    for (const [tag, labels] of spellings) for (const [label, delta] of labels) if (delta) this.countSpelling(tag, label, delta);
  }

  private countSpelling(tag: string, label: string, delta: number): void {
    const { n } = this.stmt.spell.get(tag, label, delta) as { n: number };
    if (delta > 0) this.stmt.relabel.run({ tag, label, n });
  }

  flushSearch(): Promise<void> {
    return this.exclusive(() => this.searchIndex.flush());
  }

  async article(id: string): Promise<Article | undefined> {
    const row = this.stmt.article.get(id) as ArticleRow | undefined;
    return row && toArticle(row);
  }

  async contentByLink(link: string, exceptSource: string): Promise<string | undefined> {
    return (this.stmt.contentByLink.get(link, exceptSource) as string | undefined) ?? undefined;
  }

  async articles(query: ArticleQuery = {}): Promise<Article[]> {
    const offset = query.offset ?? 0;
    if (query.tag && query.stories) return this.tagStories(query.tag, query.limit === undefined ? -1 : query.limit + offset).slice(offset);
    const where: string[] = [];
    const params: unknown[] = [];
    let from = 'articles a';
    let order = 'a.published DESC, a.id';
    if (query.tag) {
      // Walk the (tag, published) index, then join the articles.
      from = 'article_tags x JOIN articles a ON a.id = x.article_id';
      where.push('x.tag = ?');
      params.push(query.tag);
      order = 'x.published DESC, a.id';
    }
    if (query.source) {
      where.push('a.source = ?');
      params.push(query.source);
    } else where.push(LIVE_ARTICLE);
    if (query.stories) where.push('a.is_canonical = 1');
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ? OFFSET ?`;
    const rows = this.reader.prepare(sql).all(...params, query.limit ?? -1, offset) as ArticleRow[];
    return rows.map(toArticle);
  }

  /**
   * A tag's stories, newest first, each once: its canonical article when that carries the tag,
   * else the newest of its articles that does. Pages through the (tag, published) index.
   */
  private tagStories(tag: string, limit: number): Article[] {
    const out: Article[] = [];
    const seen = new Set<string>();
    const want = limit < 0 ? Infinity : limit;
    for (let offset = 0; out.length < want; ) {
      const size = limit < 0 ? 500 : Math.max(50, want * 2);
      const rows = this.stmt.tagPage.all(tag, size, offset) as (ArticleRow & { canon_has_tag: number })[];
      for (const row of rows) {
        if (seen.has(row.story) || (row.canon_has_tag && !row.is_canonical)) continue;
        seen.add(row.story);
        out.push(toArticle(row));
        if (out.length >= want) break;
      }
      if (rows.length < size) break;
      offset += size;
    }
    return out;
  }

  async search(query: string, filters: SearchFilters = {}): Promise<Article[]> {
    await this.flushSearch();
    const where = ['articles_fts MATCH ?', LIVE_ARTICLE];
    const params: unknown[] = [toFts5(parseSearch(query))];
    if (filters.tag) {
      where.push('EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = ?)');
      params.push(filters.tag);
    }
    if (filters.source) {
      where.push('a.source = ?');
      params.push(filters.source);
    }
    if (filters.since) {
      where.push('a.published >= ?');
      params.push(filters.since.getTime());
    }
    // bm25 with titles weighing four times the text.
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
      WHERE ${where.join(' AND ')} ORDER BY bm25(articles_fts, 4.0, 1.0), a.published DESC LIMIT ?`;
    return (await this.readSearch(sql, [...params, filters.limit ?? 20])).map(toArticle);
  }

  async filterArticles(filter: ArticleFilter): Promise<Article[]> {
    const where: string[] = [LIVE_ARTICLE];
    const params: unknown[] = [];
    const match = filter.query === undefined ? undefined : toFts5(parseSearch(filter.query));
    const not = (filter.not ?? []).map((q) => toFts5(parseSearch(q)));
    if (match !== undefined || not.length) await this.flushSearch();
    let from = 'articles a';
    if (match !== undefined) {
      from = 'articles_fts JOIN articles a ON a.rowid = articles_fts.rowid';
      where.push('articles_fts MATCH ?');
      params.push(match);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = ?)');
      params.push(filter.tag);
    }
    if (filter.tags?.length) {
      where.push(`EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag IN (${filter.tags.map(() => '?').join(', ')}))`);
      params.push(...filter.tags);
    }
    if (filter.source !== undefined) {
      where.push('a.source = ?');
      params.push(filter.source);
    }
    for (const q of not) {
      where.push('a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)');
      params.push(q);
    }
    const order = match !== undefined && filter.order !== 'newest' ? 'bm25(articles_fts, 4.0, 1.0), a.published DESC, a.id' : 'a.published DESC, a.id';
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`;
    const all = [...params, filter.limit ?? -1, filter.offset ?? 0];
    const rows = match !== undefined || not.length ? await this.readSearch(sql, all) : (this.reader.prepare(sql).all(...all) as ArticleRow[]);
    return rows.map(toArticle);
  }

  /** The rows of a full-text search, read off the main thread. */
  private readSearch(sql: string, params: unknown[]): Promise<ArticleRow[]> {
    if (this.searches) return this.searches.all<ArticleRow>(sql, params);
    return Promise.resolve(this.reader.prepare(sql).all(...params) as ArticleRow[]);
  }

  async carriersOf(id: string): Promise<Article[]> {
    return (this.stmt.carriers.all(id) as ArticleRow[]).map(toArticle);
  }

  async storyCarriers(ids: readonly string[]): Promise<Map<string, Article[]>> {
    const out = new Map<string, Article[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = this.reader
      .prepare(`SELECT r.id AS of, ${ARTICLE_COLUMNS} FROM articles r JOIN articles a ON a.story = r.story WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY a.published, a.id`)
      .all(JSON.stringify(ids)) as (ArticleRow & { of: string })[];
    for (const row of rows) out.get(row.of)!.push(toArticle(row));
    return out;
  }

  async eventMemberships(ids: readonly string[]): Promise<Map<string, EventMembership>> {
    return this.events.memberships(ids);
  }

  async event(id: string): Promise<EventCandidate | undefined> {
    return this.events.event(id);
  }

  async eventArticles(event: string, limit?: number, offset?: number): Promise<Article[]> {
    const ids = this.events.members(event, limit, offset);
    const rows = this.reader.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id IN (SELECT value FROM json_each(?)) AND ${LIVE_ARTICLE}`).all(JSON.stringify(ids)) as ArticleRow[];
    const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async latestEvents(minSize: number, limit: number): Promise<EventCandidate[]> {
    return this.events.latest(minSize, limit);
  }

  async eventsBetween(from: Date, to: Date, limit: number): Promise<EventCandidate[]> {
    return this.events.near(from, to, limit, true);
  }

  async storyMerges(story: string): Promise<StoryMergeRecord[]> {
    return this.stories.mergesInto(story);
  }

  async storyLink(id: string): Promise<StoryLink | undefined> {
    return this.stories.linkOf(id);
  }

  async comparables(ids: readonly string[]): Promise<StoryCandidate[]> {
    return this.stories.comparables(ids);
  }

  async comparablesNear(id: string, windowMs: number): Promise<StoryCandidate[]> {
    return this.stories.comparablesNear(id, windowMs);
  }

  async duplicateGroups(): Promise<DuplicateGroup[]> {
    return (this.stmt.duplicateStories.all() as string[]).map((story) => ({
      story,
      members: (this.stmt.storyMembers.all(story) as ArticleRow[]).map((r) => ({ article: toArticle(r), link: this.stories.linkOf(r.id)! })),
    }));
  }

  async tag(slug: string): Promise<Tag | undefined> {
    return this.stmt.tag.get(slug) as Tag | undefined;
  }

  async tagCounts(): Promise<TagCount[]> {
    return liveTagCounts(this.stmt.tagCounts.all() as TagCount[], this.stmt.removedTagCounts.all() as { tag: string; n: number }[]);
  }

  async changedSince(since: Date): Promise<{ sources: string[]; tags: string[] }> {
    const t = since.getTime();
    return { sources: this.stmt.changedSources.all(t, t) as string[], tags: this.stmt.changedTags.all(t, t) as string[] };
  }

  async count(what: 'articles' | 'tags' | 'article_tags' | 'sources'): Promise<number> {
    return this.reader.prepare(`SELECT count(*) FROM ${what}`).pluck().get() as number;
  }

  async stats(): Promise<StoreStats> {
    const { articles, stories, merged } = this.stmt.storyCounts.get() as { articles: number; stories: number; merged: number };
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return {
      location: this.file,
      articles,
      stories,
      mergedDuplicates: merged,
      bytes: this.file === ':memory:' ? 0 : size(this.file) + size(`${this.file}-wal`),
      schemaVersion: SCHEMA_VERSION,
    };
  }

  async expiredArticles(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): Promise<string[]> {
    const ids = new Set<string>();
    if (retention.maxAgeDays > 0) for (const id of this.stmt.olderThan.all(now.getTime() - retention.maxAgeDays * 86_400_000) as string[]) ids.add(id);
    if (retention.maxPerSource > 0) for (const id of this.stmt.beyondNewest.all(retention.maxPerSource) as string[]) ids.add(id);
    return [...ids];
  }

  retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number> {
    return this.exclusive(() =>
      this.db.transaction(() => {
        let changed = 0;
        for (const [id, { tags, published }] of groupTags(this.stmt.allTags.all() as TagRow[])) {
          const next = retag(tags);
          if (sameTags(tags, next)) continue;
          for (const old of this.stmt.clearTags.all(id) as { tag: string; label: string }[]) this.spell(old.tag, old.label, -1);
          this.addTags(id, next, published);
          changed += 1;
        }
        this.stmt.dropUnusedTags.run();
        if (changed) this.stmt.bump.run({ seq: 1, checked: 0 });
        return changed;
      }).immediate(),
    );
  }

  deleteArticles(ids: string[], now: Date, keepOut = true): Promise<number> {
    return this.exclusive(() => {
      let deleted = 0;
      this.db.transaction(() => {
        const stories = new Set<string>();
        for (const id of ids) {
          const row = this.stmt.findForDelete.get(id) as { rowid: number; id: string; source: string; identity: string; fingerprint: string | null; story: string } | undefined;
          if (!row) continue;
          if (keepOut) this.stmt.tombstone.run(row.source, row.identity, row.fingerprint, now.getTime());
          for (const old of this.stmt.clearTags.all(row.id) as { tag: string; label: string }[]) this.spell(old.tag, old.label, -1);
          this.stories.unindex(row.rowid);
          this.searchIndex.remove(row.rowid);
          this.stmt.deleteArticle.run(row.rowid);
          stories.add(row.story);
          deleted += 1;
        }
        // Stories that lost their canonical article get a new one.
        for (const story of stories) this.stories.recomputeCanonical(story);
        this.stmt.dropUnusedTags.run();
        if (deleted) this.stmt.bump.run({ seq: 1, checked: 0 });
      }).immediate();
      // The freed pages go back to the file system (a no-op in a database made before auto_vacuum).
      if (deleted) this.db.pragma('incremental_vacuum');
      return deleted;
    });
  }

  retireSources(configured: readonly string[], now: Date): Promise<void> {
    // A database opened read-only (see openDatabase) serves the commands that read: it changes nothing.
    if (this.db.readonly) return Promise.resolve();
    const names = JSON.stringify(configured);
    return this.exclusive(() => this.db.transaction(() => {
      const moved = [...(this.stmt.retire.all({ names, now: now.getTime() }) as string[]), ...(this.stmt.restore.all({ names }) as string[])];
      this.stmt.forgetRemoved.run();
      if (!moved.length) return;
      for (const story of this.stmt.storiesOf.all(JSON.stringify(moved)) as string[]) this.stories.recomputeCanonical(story);
      this.stmt.bump.run({ seq: 1, checked: 0 });
    }).immediate());
  }

  async removedSources(): Promise<RemovedSource[]> {
    return (this.stmt.removedSources.all() as { name: string; removed_at: number; articles: number }[]).map((r) => ({ name: r.name, removedAt: new Date(r.removed_at), articles: r.articles }));
  }

  async ping(): Promise<boolean> {
    try {
      return this.reader.prepare('SELECT 1').pluck().get() === 1;
    } catch {
      return false;
    }
  }

  async integrityCheck(): Promise<string> {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  async close(): Promise<void> {
    await this.searches?.close();
    return this.exclusive(() => {
      if (!this.db.open) return;
      if (this.searchIndex.size) this.searchIndex.flush();
      if (this.reader !== this.db) this.reader.close();
      this.db.close();
    });
  }
}
