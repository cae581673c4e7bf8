// Queries over the database. The store knows nothing of fetching or parsing: it takes entries.
import { createHash } from 'node:crypto';
import type { Article, Entry, StoryLink, Tag } from '../model.js';
import type { DedupeSettings } from '../config/schema.js';
import { textOfSanitized } from '../normalize/html.js';
import { contentHash } from '../normalize/normalize-entry.js';
import { FetchStates } from './fetch-state.js';
import { Leases } from './lease.js';
import type { Db } from './open-store.js';
import { keysBlob, lshKeys } from './lsh-keys.js';
import { Stories } from './stories.js';

export interface SourceRow {
  name: string;
  type: string;
  location: string;
}

export interface IngestCounts {
  new: number;
  updated: number;
  unchanged: number;
}

export interface ArticleQuery {
  tag?: string;
  source?: string;
  limit?: number;
  /** Each story once (its canonical article): the site and tag feeds. */
  stories?: boolean;
}

export interface TagCount extends Tag {
  count: number;
}

interface ArticleRow {
  id: string;
  source: string;
  identity: string;
  title: string;
  link: string | null;
  published: number;
  updated: number;
  first_seen: number;
  author: string | null;
  summary: string;
  content: string;
  enclosures: string;
  language: string | null;
  content_hash: string;
  story: string;
  is_canonical: number;
  tags: string | null;
}

/** Stable article id: the same source and identity give the same id on every machine. */
export function articleId(source: string, identity: string): string {
  return createHash('sha256').update(`${source}\0${identity}`).digest('hex').slice(0, 16);
}

const ARTICLE_COLUMNS = `a.id, a.source, a.identity, a.title, a.link, a.published, a.updated, a.first_seen, a.author,
  a.summary, a.content, a.enclosures, a.language, a.content_hash, a.story, a.is_canonical, (SELECT json_group_array(json_array(t.slug, t.label)) FROM
  (SELECT tags.slug, tags.label FROM article_tags at JOIN tags ON tags.slug = at.tag
   WHERE at.article_id = a.id ORDER BY at.position) t) AS tags`;

// Full-text rows are written in batches rather than in each source's transaction: FTS5 writes a
// segment per transaction and merges segments as they pile up, which made a refresh of many small
// feeds cost more in the index than in everything else (4 ms per transaction of 5 articles, 2 of
// them in the index). An article waiting for the index is listed in search_pending, in the same
// transaction as the article itself, so a crash loses nothing; its text waits in memory.
const SEARCH_BATCH = 1000;

/** What the index holds of an article's body: its plain text, else (an empty body) its summary. */
const searchText = (content: string, summary: string, text = textOfSanitized(content)) => text || summary;

interface SearchRow {
  /** The article may have a row in the index already. */
  replace: boolean;
  title: string;
  /** Undefined when the article is gone. */
  text: string | undefined;
}

export class Store {
  readonly db: Db;
  private readonly searchQueue = new Map<number, SearchRow>();
  readonly fetchStates: FetchStates;
  readonly leases: Leases;
  readonly stories: Stories;
  private readonly stmt;

  constructor(db: Db) {
    this.db = db;
    this.fetchStates = new FetchStates(db);
    this.leases = new Leases(db);
    this.stories = new Stories(db);
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
      rawHashes: db.prepare('SELECT identity, raw_hash FROM articles WHERE source = ? AND raw_hash IS NOT NULL').raw(),
      findHash: db.prepare('SELECT rowid, id, content_hash, first_seen, bands FROM articles WHERE source = ? AND identity = ?'),
      tombstoned: db.prepare('SELECT 1 FROM tombstones WHERE (source = ? AND identity = ?) OR fingerprint = ? LIMIT 1'),
      insert: db.prepare(
        `INSERT INTO articles (id, source, identity, title, link, published, updated, first_seen, author, summary,
           content, enclosures, language, content_hash, story, fingerprint, shingles, bands, raw_hash)
         VALUES (@id, @source, @identity, @title, @link, @published, @updated, @first_seen, @author, @summary,
           @content, @enclosures, @language, @content_hash, @id, @fingerprint, @shingles, @bands, @raw_hash)`,
      ),
      update: db.prepare(
        `UPDATE articles SET title = @title, link = @link, published = @published, updated = @updated,
           author = @author, summary = @summary, content = @content, enclosures = @enclosures,
           language = @language, content_hash = @content_hash, fingerprint = @fingerprint, shingles = @shingles,
           bands = CASE WHEN bands IS NULL THEN NULL ELSE @bands END, raw_hash = @raw_hash WHERE id = @id`,
      ),
      upsertTag: db.prepare('INSERT INTO tags (slug, label) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING'),
      clearTags: db.prepare('DELETE FROM article_tags WHERE article_id = ? RETURNING tag, label'),
      ftsInsert: db.prepare('INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)'),
      ftsDelete: db.prepare('DELETE FROM articles_fts WHERE rowid = ?'),
      queueSearch: db.prepare('INSERT OR IGNORE INTO search_pending (article) VALUES (?)'),
      searchPending: db.prepare('SELECT article FROM search_pending ORDER BY article').pluck(),
      clearSearchPending: db.prepare('DELETE FROM search_pending'),
      unqueueSearch: db.prepare('DELETE FROM search_pending WHERE article = ?'),
      searchRow: db.prepare('SELECT title, content, summary FROM articles WHERE rowid = ?'),
      addTag: db.prepare('INSERT INTO article_tags (article_id, tag, position, published, label) VALUES (?, ?, ?, ?, ?)'),
      // The label of a tag is its most frequent spelling: counted per spelling, switched when overtaken.
      spell: db.prepare('INSERT INTO tag_spellings (tag, label, n) VALUES (?, ?, ?) ON CONFLICT (tag, label) DO UPDATE SET n = n + excluded.n RETURNING n'),
      relabel: db.prepare(
        `UPDATE tags SET label = @label WHERE slug = @tag AND label <> @label
           AND @n > coalesce((SELECT n FROM tag_spellings WHERE tag = @tag AND label = tags.label), 0)`,
      ),
      article: db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?`),
      tagCounts: db.prepare(
        `SELECT tags.slug, tags.label, count(*) AS count FROM article_tags at JOIN tags ON tags.slug = at.tag
         GROUP BY tags.slug ORDER BY count DESC, tags.slug`,
      ),
      tag: db.prepare('SELECT slug, label FROM tags WHERE slug = ?'),
      tagPage: db.prepare(
        `SELECT ${ARTICLE_COLUMNS}, (a.is_canonical = 1 OR EXISTS (SELECT 1 FROM articles c JOIN article_tags ct ON ct.article_id = c.id
           AND ct.tag = x.tag WHERE c.story = a.story AND c.is_canonical = 1)) AS canon_has_tag
         FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.tag = ?
         ORDER BY x.published DESC, a.id LIMIT ? OFFSET ?`,
      ),
    };
  }

  /** `position` is the source's place in the configuration: it breaks ties between stories' articles. */
  upsertSource(source: SourceRow, now: Date, position = 0): void {
    this.stmt.upsertSource.run({ ...source, now: now.getTime(), position });
  }

  /**
   * Stores one source's entries in one transaction: all of them or, on failure, none. With
   * `dedupe`, a new article from one source joins the story another source already carried.
   */
  ingest(source: string, entries: Entry[], now: Date, dedupe?: DedupeSettings): IngestCounts {
    const counts: IngestCounts = { new: 0, updated: 0, unchanged: 0 };
    this.db.transaction(() => {
      for (const entry of entries) counts[this.put(source, entry, now, dedupe)] += 1;
    }).immediate();
    if (this.searchQueue.size >= SEARCH_BATCH) this.flushSearch();
    return counts;
  }

  /**
   * Writes the queued full-text rows in one transaction: the rows this connection queued from
   * memory, any others (queued by another process, or before a crash) from the articles. Search
   * calls it first, so results are always in step with the articles; refreshAll calls it at the end.
   */
  flushSearch(): void {
    const rowids = this.stmt.searchPending.all() as number[];
    if (rowids.length) {
      this.db.transaction(() => {
        // Deletes first, then inserts: FTS5 writes its pending rows to disk when a statement
        // savepoint opens, and a batch written at once is one segment.
        const rows = rowids.map((rowid) => ({ rowid, ...(this.searchQueue.get(rowid) ?? this.searchRowOf(rowid)) }));
        for (const row of rows) if (row.replace) this.stmt.ftsDelete.run(row.rowid);
        for (const row of rows) if (row.text !== undefined) this.stmt.ftsInsert.run(row.rowid, row.title, row.text);
        this.stmt.clearSearchPending.run();
      }).immediate();
    }
    this.searchQueue.clear();
  }

  /** A queued article's full-text row, read back from the database (it may already be indexed). */
  private searchRowOf(rowid: number): SearchRow {
    const row = this.stmt.searchRow.get(rowid) as { title: string; content: string; summary: string } | undefined;
    return { replace: true, title: row?.title ?? '', text: row ? searchText(row.content, row.summary) : undefined };
  }

  /** Identity → raw hash of a source's stored articles, for normalize to skip what has not changed. */
  rawHashes(source: string): Record<string, string> {
    return Object.fromEntries(this.stmt.rawHashes.all(source) as [string, string][]);
  }

  private spell(tag: string, label: string, delta: number): void {
    const { n } = this.stmt.spell.get(tag, label, delta) as { n: number };
    if (delta > 0) this.stmt.relabel.run({ tag, label, n });
  }

  private put(source: string, entry: Entry, now: Date, dedupe: DedupeSettings | undefined): keyof IngestCounts {
    const hash = entry.contentHash ?? contentHash(entry);
    const known = this.stmt.findHash.get(source, entry.identity) as
      | { rowid: number; id: string; content_hash: string; first_seen: number; bands: Buffer | null }
      | undefined;
    if (known?.content_hash === hash) {
      if (entry.rawHash) this.stmt.setRawHash.run({ hash: entry.rawHash, rowid: known.rowid });
      return 'unchanged';
    }
    // Deleted and purged articles stay deleted.
    if (!known && this.stmt.tombstoned.get(source, entry.identity, entry.fingerprint?.exact ?? null)) return 'unchanged';
    const id = known?.id ?? articleId(source, entry.identity);
    const row = {
      id,
      source,
      identity: entry.identity,
      title: entry.title,
      link: entry.link ?? null,
      published: entry.published.getTime(),
      updated: known ? now.getTime() : (entry.updated ?? entry.published).getTime(),
      first_seen: known?.first_seen ?? now.getTime(),
      author: entry.author ?? null,
      summary: entry.summary,
      content: entry.content,
      enclosures: JSON.stringify(entry.enclosures),
      language: entry.language ?? null,
      content_hash: hash,
      fingerprint: entry.fingerprint?.exact ?? null,
      shingles: entry.fingerprint ? Buffer.from(entry.fingerprint.shingles.buffer, entry.fingerprint.shingles.byteOffset, entry.fingerprint.shingles.byteLength) : null,
      // Kept only where the LSH index holds the article (cross-source dedupe on).
      bands: dedupe?.crossSource ? keysBlob(lshKeys(entry)) : null,
      raw_hash: entry.rawHash ?? null,
    };
    let rowid: number;
    if (known) {
      this.stmt.update.run(row);
      for (const old of this.stmt.clearTags.all(id) as { tag: string; label: string }[]) this.spell(old.tag, old.label, -1);
      rowid = known.rowid;
    } else {
      rowid = Number(this.stmt.insert.run(row).lastInsertRowid);
    }
    this.stmt.queueSearch.run(rowid);
    this.searchQueue.set(rowid, { replace: !!known, title: entry.title, text: searchText(entry.content, entry.summary, entry.text) });
    entry.tags.forEach((tag, position) => {
      this.stmt.upsertTag.run(tag.slug, tag.label);
      this.stmt.addTag.run(id, tag.slug, position, row.published, tag.label);
      this.spell(tag.slug, tag.label, 1);
    });
    if (known) this.stories.reindex(rowid, known.bands, entry);
    else this.stories.attach(rowid, entry, source, dedupe);
    return known ? 'updated' : 'new';
  }

  getArticle(id: string): Article | undefined {
    const row = this.stmt.article.get(id) as ArticleRow | undefined;
    return row && toArticle(row);
  }

  /** Newest first. */
  listArticles(query: ArticleQuery = {}): Article[] {
    if (query.tag && query.stories) return this.tagStories(query.tag, query.limit ?? -1);
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
    }
    if (query.stories) where.push('a.is_canonical = 1');
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit ?? -1) as ArticleRow[];
    return rows.map(toArticle);
  }

  /**
   * A tag's stories, newest first, each once: its canonical article when that carries the tag,
   * else the newest of its articles that does. Pages through the (tag, published) index.
   */
  private tagStories(tag: string, limit: number): Article[] {
    const page = this.stmt.tagPage;
    const out: Article[] = [];
    const seen = new Set<string>();
    const want = limit < 0 ? Infinity : limit;
    for (let offset = 0; out.length < want; ) {
      const size = limit < 0 ? 500 : Math.max(50, want * 2);
      const rows = page.all(tag, size, offset) as (ArticleRow & { canon_has_tag: number })[];
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

  /** The sources and tags of articles added or edited since `since`: the feeds that changed. */
  changedSince(since: Date): { sources: string[]; tags: string[] } {
    const t = since.getTime();
    const sources = this.db.prepare('SELECT DISTINCT source FROM articles WHERE first_seen >= ? OR updated >= ?').pluck().all(t, t) as string[];
    const tags = this.db
      .prepare('SELECT DISTINCT at.tag FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE a.first_seen >= ? OR a.updated >= ?')
      .pluck()
      .all(t, t) as string[];
    return { sources, tags };
  }

  /** Every stored article of the story this article belongs to (itself included), earliest first. */
  carriersOf(id: string): Article[] {
    const rows = this.db
      .prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.story = (SELECT story FROM articles WHERE id = ?) ORDER BY a.published, a.id`)
      .all(id) as ArticleRow[];
    return rows.map(toArticle);
  }

  /**
   * Deletes articles, leaving tombstones (source, identity, fingerprint) so that they do not come
   * back at the next refresh. Stories that lose their canonical article get a new one.
   */
  deleteArticles(ids: string[], now: Date): number {
    let deleted = 0;
    this.db.transaction(() => {
      const find = this.db.prepare('SELECT rowid, id, source, identity, fingerprint, story FROM articles WHERE id = ?');
      const tomb = this.db.prepare(
        'INSERT INTO tombstones (source, identity, fingerprint, deleted_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, identity) DO UPDATE SET deleted_at = excluded.deleted_at',
      );
      const remove = this.db.prepare('DELETE FROM articles WHERE rowid = ?');
      const stories = new Set<string>();
      for (const id of ids) {
        const row = find.get(id) as { rowid: number; id: string; source: string; identity: string; fingerprint: string | null; story: string } | undefined;
        if (!row) continue;
        tomb.run(row.source, row.identity, row.fingerprint, now.getTime());
        for (const old of this.stmt.clearTags.all(row.id) as { tag: string; label: string }[]) this.spell(old.tag, old.label, -1);
        this.stories.unindex(row.rowid);
        this.stmt.ftsDelete.run(row.rowid);
        this.stmt.unqueueSearch.run(row.rowid);
        this.searchQueue.delete(row.rowid);
        remove.run(row.rowid);
        stories.add(row.story);
        deleted += 1;
      }
      for (const story of stories) this.stories.recomputeCanonical(story);
      this.db.exec('DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = tags.slug)');
    }).immediate();
    return deleted;
  }

  /** Articles that retention removes: older than `maxAgeDays`, or beyond the newest `maxPerSource` of a source. */
  expiredArticles(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): string[] {
    const ids = new Set<string>();
    if (retention.maxAgeDays > 0) {
      const cutoff = now.getTime() - retention.maxAgeDays * 86_400_000;
      for (const id of this.db.prepare('SELECT id FROM articles WHERE published < ?').pluck().all(cutoff) as string[]) ids.add(id);
    }
    if (retention.maxPerSource > 0) {
      const sql = `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY source ORDER BY published DESC, id) AS n FROM articles) WHERE n > ?`;
      for (const id of this.db.prepare(sql).pluck().all(retention.maxPerSource) as string[]) ids.add(id);
    }
    return [...ids];
  }

  /**
   * Full-text search (FTS5 syntax: words, "phrases", prefix*, AND, OR, NOT), best match first
   * (bm25, titles weighing more), combinable with a tag, a source and a date.
   */
  search(query: string, filters: { tag?: string; source?: string; since?: Date; limit?: number } = {}): Article[] {
    this.flushSearch();
    const where = ['articles_fts MATCH ?'];
    const params: unknown[] = [query];
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
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
      WHERE ${where.join(' AND ')} ORDER BY bm25(articles_fts, 4.0, 1.0), a.published DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filters.limit ?? 20) as ArticleRow[]).map(toArticle);
  }

  /** Stories carried by more than one article, with their members (canonical first). */
  duplicateGroups(): { story: string; members: { article: Article; link: StoryLink }[] }[] {
    const stories = this.db.prepare('SELECT story FROM articles GROUP BY story HAVING count(*) > 1 ORDER BY max(published) DESC').pluck().all() as string[];
    return stories.map((story) => {
      const rows = this.db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.story = ? ORDER BY a.is_canonical DESC, a.published, a.id`).all(story) as ArticleRow[];
      return { story, members: rows.map((r) => ({ article: toArticle(r), link: this.stories.linkOf(r.id)! })) };
    });
  }

  getTag(slug: string): Tag | undefined {
    return this.stmt.tag.get(slug) as Tag | undefined;
  }

  tagCounts(): TagCount[] {
    return this.stmt.tagCounts.all() as TagCount[];
  }


  count(table: 'articles' | 'tags' | 'article_tags' | 'sources'): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  close(): void {
    if (!this.db.open) return;
    if (this.searchQueue.size) this.flushSearch();
    this.db.close();
  }
}

function toArticle(row: ArticleRow): Article {
  const tags = (JSON.parse(row.tags ?? '[]') as [string, string][]).map(([slug, label]) => ({ slug, label }));
  return {
    id: row.id,
    source: row.source,
    identity: row.identity,
    title: row.title,
    link: row.link ?? undefined,
    published: new Date(row.published),
    updated: new Date(row.updated),
    firstSeen: new Date(row.first_seen),
    author: row.author ?? undefined,
    summary: row.summary,
    content: row.content,
    enclosures: JSON.parse(row.enclosures),
    language: row.language ?? undefined,
    contentHash: row.content_hash,
    tags,
  };
}
