// Reading articles back: pages of the river, a tag's stories, filters and search, stories and
// their members, tag counts. Every query is composed here once; the dialect supplies the few
// fragments that differ (full text, list parameters, the tag list's aggregate).
import type { Article, StoryCandidate, StoryLink, Tag } from '../model.js';
import { parseSearch } from './search-query.js';
import {
  CANDIDATE_COLUMNS,
  LINK_COLUMNS,
  LIVE_ARTICLE,
  liveTagCounts,
  REMOVED_TAG_COUNTS,
  toArticle,
  toCandidate,
  toStoryLink,
  type ArticleRow,
  type CandidateRow,
  type LinkRow,
} from './rows.js';
import type { Database, Dialect } from './sql.js';
import type { ArticleFilter, ArticleQuery, DuplicateGroup, TagCount } from './store.js';

/** A tag's articles newest first, each with whether its story's canonical article carries the tag too. */
const tagPage = (
  isTrue: string,
): string => `, (a.is_canonical${isTrue} OR EXISTS (SELECT 1 FROM articles c JOIN article_tags ct ON ct.article_id = c.id
    AND ct.tag = x.tag WHERE c.story = a.story AND c.is_canonical${isTrue})) AS canon_has_tag
  FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.tag = ? AND ${LIVE_ARTICLE}
  ORDER BY x.published DESC, a.id LIMIT ? OFFSET ?`;

export class ArticleReads {
  private readonly columns: string;

  constructor(
    private readonly db: Database,
    private readonly dialect: Dialect,
  ) {
    this.columns = dialect.articleColumns;
  }

  private async list(sql: string, params: readonly unknown[]): Promise<Article[]> {
    return (await this.db.all<ArticleRow>(sql, params)).map(toArticle);
  }

  async article(id: string): Promise<Article | undefined> {
    const row = await this.db.get<ArticleRow>(`SELECT ${this.columns} FROM articles a WHERE a.id = ?`, [id]);
    return row && toArticle(row);
  }

  /** The longest content another source stored for this link (full text reuses it rather than fetch the page again). */
  async contentByLink(link: string, exceptSource: string): Promise<string | undefined> {
    const row = await this.db.get<{ content: string }>(
      'SELECT content FROM articles WHERE link = ? AND source <> ? ORDER BY length(content) DESC LIMIT 1',
      [link, exceptSource],
    );
    return row?.content ?? undefined;
  }

  /** Newest first. */
  async articles(query: ArticleQuery = {}): Promise<Article[]> {
    const offset = query.offset ?? 0;
    if (query.tag && query.stories)
      return (await this.tagStories(query.tag, query.limit === undefined ? undefined : query.limit + offset)).slice(
        offset,
      );
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
    // A removed source's articles are out of every list but its own.
    if (query.source) {
      where.push('a.source = ?');
      params.push(query.source);
    } else where.push(LIVE_ARTICLE);
    if (query.stories) where.push(`a.is_canonical${this.dialect.isTrue}`);
    const sql = `SELECT ${this.columns} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return this.list(sql, [...params, query.limit ?? this.dialect.noLimit, offset]);
  }

  /**
   * A tag's stories, newest first, each once: its canonical article when that carries the tag,
   * else the newest of its articles that does. Pages through the (tag, published) index.
   */
  private async tagStories(tag: string, limit: number | undefined): Promise<Article[]> {
    const out: Article[] = [];
    const seen = new Set<string>();
    const want = limit ?? Infinity;
    for (let offset = 0; out.length < want; ) {
      const size = limit === undefined ? 500 : Math.max(50, want * 2);
      const rows = await this.db.all<ArticleRow & { canon_has_tag: number | boolean }>(
        `SELECT ${this.columns}${tagPage(this.dialect.isTrue)}`,
        [tag, size, offset],
      );
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

  /** See Store.filterArticles: search, tags, source and `not` queries composed in one statement. */
  async filter(filter: ArticleFilter): Promise<Article[]> {
    const text = this.dialect.fullText;
    const where: string[] = [LIVE_ARTICLE];
    const params: unknown[] = [];
    const match = filter.query === undefined ? undefined : text.query(parseSearch(filter.query));
    const not = (filter.not ?? []).map((q) => text.query(parseSearch(q)));
    if (match !== undefined || not.length) await text.flush();
    if (match !== undefined) {
      where.push(text.match);
      params.push(match);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = ?)');
      params.push(filter.tag);
    }
    if (filter.tags?.length) {
      where.push(`EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND ${this.dialect.inList('x.tag')})`);
      params.push(this.dialect.list(filter.tags));
    }
    if (filter.source !== undefined) {
      where.push('a.source = ?');
      params.push(filter.source);
    }
    if (filter.since !== undefined) {
      where.push('a.published >= ?');
      params.push(filter.since.getTime());
    }
    for (const q of not) {
      where.push(text.notMatch);
      params.push(q);
    }
    const ranked = match !== undefined && filter.order !== 'newest';
    const order = ranked ? `${text.rank}, a.published DESC, a.id` : 'a.published DESC, a.id';
    if (ranked) params.push(...new Array(text.rank.split('?').length - 1).fill(match));
    const sql = `SELECT ${this.columns} FROM ${match !== undefined ? text.from : 'articles a'} WHERE ${where.join(' AND ')}
      ORDER BY ${order} LIMIT ? OFFSET ?`;
    const all = [...params, filter.limit ?? this.dialect.noLimit, filter.offset ?? 0];
    const rows =
      match !== undefined || not.length
        ? await text.read<ArticleRow>(sql, all)
        : await this.db.all<ArticleRow>(sql, all);
    return rows.map(toArticle);
  }

  /** id → every article of its story (itself included), earliest first. */
  async storyCarriers(ids: readonly string[]): Promise<Map<string, Article[]>> {
    const out = new Map<string, Article[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.db.all<ArticleRow & { of: string }>(
      `SELECT r.id AS of, ${this.columns} FROM articles r JOIN articles a ON a.story = r.story WHERE ${this.dialect.inList('r.id')} ORDER BY a.published, a.id`,
      [this.dialect.list(ids)],
    );
    for (const row of rows) out.get(row.of)!.push(toArticle(row));
    return out;
  }

  async storyLink(id: string): Promise<StoryLink | undefined> {
    const row = await this.db.get<LinkRow>(`SELECT ${LINK_COLUMNS} FROM articles a WHERE a.id = ?`, [id]);
    return row && toStoryLink(row);
  }

  /** Stories carried by more than one article, with their members (canonical first). */
  async duplicateGroups(): Promise<DuplicateGroup[]> {
    const stories = await this.db.all<{ story: string }>(
      'SELECT story FROM articles GROUP BY story HAVING count(*) > 1 ORDER BY max(published) DESC',
    );
    const groups: DuplicateGroup[] = [];
    for (const { story } of stories) {
      const rows = await this.db.all<ArticleRow & LinkRow>(
        `SELECT ${this.columns}, ${LINK_COLUMNS.replace('a.story, a.is_canonical, ', '')} FROM articles a WHERE a.story = ? ORDER BY a.is_canonical DESC, a.published, a.id`,
        [story],
      );
      groups.push({ story, members: rows.map((r) => ({ article: toArticle(r), link: toStoryLink(r) })) });
    }
    return groups;
  }

  /** Articles as the near-duplicate rule compares them, in the order asked. */
  async comparables(ids: readonly string[]): Promise<StoryCandidate[]> {
    if (!ids.length) return [];
    const rows = await this.db.all<CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS} FROM articles a WHERE ${this.dialect.inList('a.id')}`,
      [this.dialect.list(ids)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => (byId.has(id) ? [toCandidate(byId.get(id)!)] : []));
  }

  /** Other sources' articles published within `windowMs` of this one. */
  async comparablesNear(id: string, windowMs: number): Promise<StoryCandidate[]> {
    const rows = await this.db.all<CandidateRow>(
      `SELECT ${CANDIDATE_COLUMNS.replaceAll('a.', 'b.')} FROM articles a JOIN articles b
         ON b.published BETWEEN a.published - ? AND a.published + ? AND b.source <> a.source AND b.shingles IS NOT NULL
       WHERE a.id = ?`,
      [windowMs, windowMs, id],
    );
    return rows.map(toCandidate);
  }

  tag(slug: string): Promise<Tag | undefined> {
    return this.db.get<Tag>('SELECT slug, label FROM tags WHERE slug = ?', [slug]);
  }

  /** A tag's spellings count its articles: summed over a few rows per tag, not every article's tags; less a removed source's. */
  async tagCounts(): Promise<TagCount[]> {
    const counts = await this.db.all<TagCount>(
      'SELECT t.slug, t.label, sum(s.n) AS count FROM tag_spellings s JOIN tags t ON t.slug = s.tag GROUP BY t.slug, t.label HAVING sum(s.n) > 0 ORDER BY count DESC, t.slug',
    );
    return liveTagCounts(counts, await this.db.all<{ tag: string; n: number }>(REMOVED_TAG_COUNTS));
  }

  /** The sources and tags of articles added or edited since `since`: the feeds that changed. */
  async changedSince(since: Date): Promise<{ sources: string[]; tags: string[] }> {
    const t = since.getTime();
    const sources = await this.db.all<{ source: string }>(
      'SELECT DISTINCT source FROM articles WHERE first_seen >= ? OR updated >= ?',
      [t, t],
    );
    const tags = await this.db.all<{ tag: string }>(
      'SELECT DISTINCT at.tag FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE a.first_seen >= ? OR a.updated >= ?',
      [t, t],
    );
    return { sources: sources.map((r) => r.source), tags: tags.map((r) => r.tag) };
  }

  /** The configured sources' articles and stories (a removed source's are out of every count). */
  async storyCounts(): Promise<{ articles: number; stories: number }> {
    const row = await this.db.get<{ articles: number; stories: number }>(
      `SELECT count(*) AS articles, coalesce(sum(CASE WHEN a.is_canonical THEN 1 ELSE 0 END), 0) AS stories FROM articles a WHERE ${LIVE_ARTICLE}`,
    );
    return { articles: Number(row!.articles), stories: Number(row!.stories) };
  }

  async count(what: 'articles' | 'tags' | 'article_tags' | 'sources'): Promise<number> {
    return Number((await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${what}`))!.n);
  }

  /** Articles that retention removes: older than `maxAgeDays`, or beyond the newest `maxPerSource` of a source. */
  async expired(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): Promise<string[]> {
    const ids = new Set<string>();
    if (retention.maxAgeDays > 0)
      for (const r of await this.db.all<{ id: string }>('SELECT id FROM articles WHERE published < ?', [
        now.getTime() - retention.maxAgeDays * 86_400_000,
      ]))
        ids.add(r.id);
    if (retention.maxPerSource > 0)
      for (const r of await this.db.all<{ id: string }>(
        'SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY source ORDER BY published DESC, id) AS n FROM articles) x WHERE n > ?',
        [retention.maxPerSource],
      ))
        ids.add(r.id);
    return [...ids];
  }
}
