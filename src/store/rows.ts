// Rows as both stores read them back: the same columns, turned into the model the same way. Where
// the engines differ (SQLite's 0/1 for booleans, JSON text for a tag list), both forms are read.
import { createHash } from 'node:crypto';
import type { Article, Entry, FetchState, StoryCandidate, StoryDecisions, StoryLink } from '../model.js';
import type { TagCount } from './store.js';

/** Sources gone from the configuration (store.retireSources), as a subquery both dialects read. */
const REMOVED_SOURCES = 'SELECT name FROM sources WHERE removed_at IS NOT NULL';
/** An article (as `a`) of a source still configured: the only ones lists, searches and counts show. */
export const LIVE_ARTICLE = `a.source NOT IN (${REMOVED_SOURCES})`;
/** Tags of removed sources' articles, counted: what tagCounts takes off. */
export const REMOVED_TAG_COUNTS = `SELECT x.tag, count(*) AS n FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE a.source IN (${REMOVED_SOURCES}) GROUP BY x.tag`;

/** Tag counts less the removed sources' articles; tags left with none go. */
export function liveTagCounts(counts: TagCount[], removed: { tag: string; n: number | string }[]): TagCount[] {
  if (!removed.length) return counts;
  const less = new Map(removed.map((r) => [r.tag, Number(r.n)]));
  return counts
    .map((t) => ({ ...t, count: Number(t.count) - (less.get(t.slug) ?? 0) }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}

/** Stable article id: the same source and identity give the same id on every machine and store. */
export function articleId(source: string, identity: string): string {
  return createHash('sha256').update(`${source}\0${identity}`).digest('hex').slice(0, 16);
}

export interface ArticleRow {
  id: string;
  source: string;
  identity: string;
  title: string;
  link: string | null;
  published: number;
  updated: number;
  author: string | null;
  summary: string;
  content: string;
  enclosures: string;
  language: string | null;
  content_hash: string;
  story: string;
  is_canonical: number | boolean;
  /** [slug, label] pairs, in their order: JSON text (SQLite) or already parsed (PostgreSQL). */
  tags: string | [string, string][] | null;
}

export function toArticle(row: ArticleRow): Article {
  const tags: [string, string][] = typeof row.tags === 'string' ? JSON.parse(row.tags) : (row.tags ?? []);
  return {
    id: row.id,
    source: row.source,
    identity: row.identity,
    title: row.title,
    link: row.link ?? undefined,
    published: new Date(row.published),
    updated: new Date(row.updated),
    author: row.author ?? undefined,
    summary: row.summary,
    content: row.content,
    enclosures: JSON.parse(row.enclosures),
    language: row.language ?? undefined,
    contentHash: row.content_hash,
    tags: tags.map(([slug, label]) => ({ slug, label })),
    story: row.story,
  };
}

export interface StateRow {
  name: string;
  type: string;
  location: string;
  url: string | null;
  etag: string | null;
  last_modified: string | null;
  last_check: number | null;
  last_success: number | null;
  last_status: number | null;
  last_error: string | null;
  consecutive_errors: number;
  next_fetch: number | null;
  gone: number | boolean;
  ttl_minutes: number | null;
  cache_until: number | null;
  skip_hours: string;
  skip_days: string;
  articles: number;
  feed_title?: string | null;
  feed_link?: string | null;
  left_out_by_rules?: number;
  normalizer?: number | null;
}

const date = (ms: number | null) => (ms == null ? undefined : new Date(ms));

export function toState(r: StateRow): FetchState {
  return {
    name: r.name,
    type: r.type,
    location: r.location,
    url: r.url ?? r.location,
    etag: r.etag ?? undefined,
    lastModified: r.last_modified ?? undefined,
    lastCheck: date(r.last_check),
    lastSuccess: date(r.last_success),
    lastStatus: r.last_status ?? undefined,
    lastError: r.last_error ?? undefined,
    consecutiveErrors: r.consecutive_errors,
    nextFetch: date(r.next_fetch),
    gone: Boolean(r.gone),
    ttlMinutes: r.ttl_minutes ?? undefined,
    cacheUntil: date(r.cache_until),
    skipHours: JSON.parse(r.skip_hours),
    skipDays: JSON.parse(r.skip_days),
    articles: r.articles,
    feedTitle: r.feed_title ?? undefined,
    feedLink: r.feed_link ?? undefined,
    leftOutByRules: r.left_out_by_rules ?? 0,
    normalizer: r.normalizer ?? undefined,
  };
}

/** An article's dedupe index keys as stored (float64s), and back. */
export const keysBlob = (keys: readonly number[]): Buffer | null =>
  keys.length ? Buffer.from(Float64Array.from(keys).buffer) : null;
export const keysOf = (blob: Buffer): Float64Array =>
  new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

/** A fingerprint's shingles and their marks, as stored. */
export const shinglesBlob = (fp: { shingles: Uint32Array } | undefined): Buffer | null =>
  fp ? Buffer.from(fp.shingles.buffer, fp.shingles.byteOffset, fp.shingles.byteLength) : null;
export const marksBlob = (fp: { marks: Uint8Array } | undefined): Buffer | null =>
  fp ? Buffer.from(fp.marks.buffer, fp.marks.byteOffset, fp.marks.byteLength) : null;

/** The marks of `count` shingles as stored; rows from before marks were kept read as zeros. */
const toMarks = (blob: Buffer | null, count: number): Uint8Array =>
  blob && blob.byteLength === count ? new Uint8Array(blob) : new Uint8Array(count);

/** An article's word shingles as stored (uint32s). */
const toShingles = (blob: Buffer | null): Uint32Array =>
  blob ? new Uint32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)) : new Uint32Array();

/** Another source's article as the near-duplicate rule reads it. */
export const CANDIDATE_COLUMNS = 'a.id, a.story, a.title, a.published, a.shingles, a.shingle_marks';

export interface CandidateRow {
  id: string;
  story: string;
  title: string;
  published: number;
  shingles: Buffer | null;
  shingle_marks: Buffer | null;
}

export function toCandidate(row: CandidateRow): StoryCandidate {
  const shingles = toShingles(row.shingles);
  return {
    id: row.id,
    story: row.story,
    title: row.title,
    published: new Date(row.published),
    shingles,
    marks: toMarks(row.shingle_marks, shingles.length),
  };
}

/** How an article joined its story, as stored. */
export interface LinkRow {
  story: string;
  is_canonical: number | boolean;
  dedupe_rule: StoryLink['rule'] | null;
  dedupe_of: string | null;
  dedupe_score: number | null;
}

export const LINK_COLUMNS = 'a.story, a.is_canonical, a.dedupe_rule, a.dedupe_of, a.dedupe_score';

export function toStoryLink(row: LinkRow): StoryLink {
  return {
    story: row.story,
    canonical: Boolean(row.is_canonical),
    rule: row.dedupe_rule ?? undefined,
    matchedWith: row.dedupe_of ?? undefined,
    score: row.dedupe_score ?? undefined,
  };
}

/**
 * An ingest's story decisions made concrete, in order: a match with an earlier entry of the same
 * plan (StoryMatch.sibling) gets that entry's id and story, and a story merged away by an earlier
 * entry's match is followed to the story it went into.
 */
export function resolveStories(
  source: string,
  fresh: readonly Entry[],
  decisions: StoryDecisions['fresh'],
): StoryDecisions['fresh'] {
  const stories: string[] = [];
  const into = new Map<string, string>();
  const follow = (story: string): string => (into.has(story) ? follow(into.get(story)!) : story);
  return decisions.map((d, i) => {
    let match = d.match;
    if (match?.sibling !== undefined)
      match = { ...match, story: stories[match.sibling]!, with: articleId(source, fresh[match.sibling]!.identity) };
    if (match) {
      const story = follow(match.story);
      const merges = match.merges?.map((m) => ({ ...m, merged: follow(m.merged) })).filter((m) => m.merged !== story);
      for (const m of merges ?? []) into.set(m.merged, story);
      match = { ...match, story, merges };
    }
    stories.push(match?.story ?? articleId(source, fresh[i]!.identity));
    return match === d.match ? d : { ...d, match };
  });
}
