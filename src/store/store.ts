// Queries over the database. The store knows nothing of fetching or parsing: it takes entries.
import { createHash } from 'node:crypto';
import type { Article, Entry, Tag } from '../model.js';
import { FetchStates } from './fetch-state.js';
import { Leases } from './lease.js';
import type { Db } from './open-store.js';

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
  tags: string | null;
}

/** Stable article id: the same source and identity give the same id on every machine. */
export function articleId(source: string, identity: string): string {
  return createHash('sha256').update(`${source}\0${identity}`).digest('hex').slice(0, 16);
}

/** A hash of everything a reader sees; a change means the article was edited. */
export function contentHash(entry: Entry): string {
  const { identity: _identity, ...visible } = entry;
  return createHash('sha256').update(JSON.stringify(visible)).digest('hex').slice(0, 32);
}

const ARTICLE_COLUMNS = `a.*, (SELECT json_group_array(json_array(t.slug, t.label)) FROM
  (SELECT tags.slug, tags.label FROM article_tags at JOIN tags ON tags.slug = at.tag
   WHERE at.article_id = a.id ORDER BY at.position) t) AS tags`;

export class Store {
  readonly db: Db;
  readonly fetchStates: FetchStates;
  readonly leases: Leases;
  private readonly stmt;

  constructor(db: Db) {
    this.db = db;
    this.fetchStates = new FetchStates(db);
    this.leases = new Leases(db);
    this.stmt = {
      // A changed configured location starts the fetch state afresh.
      upsertSource: db.prepare(
        `INSERT INTO sources (name, type, location, created_at) VALUES (@name, @type, @location, @now)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, location = excluded.location,
           url = CASE WHEN location = excluded.location THEN url END,
           etag = CASE WHEN location = excluded.location THEN etag END,
           last_modified = CASE WHEN location = excluded.location THEN last_modified END,
           gone = CASE WHEN location = excluded.location THEN gone ELSE 0 END`,
      ),
      findHash: db.prepare('SELECT id, content_hash, first_seen FROM articles WHERE source = ? AND identity = ?'),
      insert: db.prepare(
        `INSERT INTO articles (id, source, identity, title, link, published, updated, first_seen, author, summary,
           content, enclosures, language, content_hash)
         VALUES (@id, @source, @identity, @title, @link, @published, @updated, @first_seen, @author, @summary,
           @content, @enclosures, @language, @content_hash)`,
      ),
      update: db.prepare(
        `UPDATE articles SET title = @title, link = @link, published = @published, updated = @updated,
           author = @author, summary = @summary, content = @content, enclosures = @enclosures,
           language = @language, content_hash = @content_hash WHERE id = @id`,
      ),
      upsertTag: db.prepare('INSERT INTO tags (slug, label) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING'),
      clearTags: db.prepare('DELETE FROM article_tags WHERE article_id = ?'),
      addTag: db.prepare('INSERT INTO article_tags (article_id, tag, position, published) VALUES (?, ?, ?, ?)'),
      article: db.prepare(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?`),
      tagCounts: db.prepare(
        `SELECT tags.slug, tags.label, count(*) AS count FROM article_tags at JOIN tags ON tags.slug = at.tag
         GROUP BY tags.slug ORDER BY count DESC, tags.slug`,
      ),
      tag: db.prepare('SELECT slug, label FROM tags WHERE slug = ?'),
      sourceNames: db.prepare('SELECT name, type, location FROM sources ORDER BY name'),
    };
  }

  upsertSource(source: SourceRow, now: Date): void {
    this.stmt.upsertSource.run({ ...source, now: now.getTime() });
  }

  /** Stores one source's entries in one transaction: all of them or, on failure, none. */
  ingest(source: string, entries: Entry[], now: Date): IngestCounts {
    const counts: IngestCounts = { new: 0, updated: 0, unchanged: 0 };
    this.db.transaction(() => {
      for (const entry of entries) counts[this.put(source, entry, now)] += 1;
    }).immediate();
    return counts;
  }

  private put(source: string, entry: Entry, now: Date): keyof IngestCounts {
    const hash = contentHash(entry);
    const known = this.stmt.findHash.get(source, entry.identity) as
      | { id: string; content_hash: string; first_seen: number }
      | undefined;
    if (known?.content_hash === hash) return 'unchanged';
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
    };
    if (known) {
      this.stmt.update.run(row);
      this.stmt.clearTags.run(id);
    } else {
      this.stmt.insert.run(row);
    }
    entry.tags.forEach((tag, position) => {
      this.stmt.upsertTag.run(tag.slug, tag.label);
      this.stmt.addTag.run(id, tag.slug, position, row.published);
    });
    return known ? 'updated' : 'new';
  }

  getArticle(id: string): Article | undefined {
    const row = this.stmt.article.get(id) as ArticleRow | undefined;
    return row && toArticle(row);
  }

  /** Newest first. */
  listArticles(query: ArticleQuery = {}): Article[] {
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
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit ?? -1) as ArticleRow[];
    return rows.map(toArticle);
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

  /** Every stored article of the story this article belongs to (itself included). */
  carriersOf(id: string): Article[] {
    const article = this.getArticle(id);
    return article ? [article] : [];
  }

  getTag(slug: string): Tag | undefined {
    return this.stmt.tag.get(slug) as Tag | undefined;
  }

  tagCounts(): TagCount[] {
    return this.stmt.tagCounts.all() as TagCount[];
  }

  sources(): SourceRow[] {
    return this.stmt.sourceNames.all() as SourceRow[];
  }

  count(table: 'articles' | 'tags' | 'article_tags' | 'sources'): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
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
