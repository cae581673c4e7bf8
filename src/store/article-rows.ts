// An article's row as both stores write it: which columns, and what goes in each. A new column is
// one line here (and one migration per dialect): each dialect builds its INSERT and UPDATE from
// these lists.
import type { Entry, StoryDecisions } from '../model.js';
import { articleId, keysBlob, marksBlob, shinglesBlob } from './rows.js';

/** A column's type, as PostgreSQL casts an array of its values (SQLite binds them as they are). */
export type ColumnType = 'text' | 'bigint' | 'float8' | 'bytea';

interface Column<T> {
  name: string;
  type: ColumnType;
  of: (value: T) => unknown;
  /** How an edit sets it, when not to the value as it is (`name = ?`). */
  edit?: string;
}

/** What an article takes from its entry, written on insert and again on every edit. */
const ENTRY_COLUMNS: readonly Column<Entry>[] = [
  { name: 'title', type: 'text', of: (e) => e.title },
  { name: 'link', type: 'text', of: (e) => e.link ?? null },
  { name: 'published', type: 'bigint', of: (e) => e.published.getTime() },
  { name: 'author', type: 'text', of: (e) => e.author ?? null },
  { name: 'summary', type: 'text', of: (e) => e.summary },
  { name: 'content', type: 'text', of: (e) => e.content },
  { name: 'enclosures', type: 'text', of: (e) => JSON.stringify(e.enclosures) },
  { name: 'language', type: 'text', of: (e) => e.language ?? null },
  { name: 'content_hash', type: 'text', of: (e) => e.contentHash },
  { name: 'fingerprint', type: 'text', of: (e) => e.fingerprint?.exact ?? null },
  { name: 'shingles', type: 'bytea', of: (e) => shinglesBlob(e.fingerprint) },
  { name: 'shingle_marks', type: 'bytea', of: (e) => marksBlob(e.fingerprint) },
  { name: 'raw_hash', type: 'text', of: (e) => e.rawHash ?? null },
  // An edit that did not normalize the entry again (full text added to a stored article) keeps it.
  { name: 'normalizer', type: 'bigint', of: (e) => e.normalizer ?? null, edit: 'normalizer = COALESCE(?, normalizer)' },
];

/** How an edit sets the entry's columns, in ENTRY_COLUMNS' order. */
export const ENTRY_SETS: readonly string[] = ENTRY_COLUMNS.map((c) => c.edit ?? `${c.name} = ?`);

/** A new article: its entry, and where it stands (its id, its story). */
export interface FreshArticle {
  source: string;
  entry: Entry;
  story: StoryDecisions['fresh'][number];
  now: Date;
}

/** What makes a new article itself: its id and identity, and when it was first seen. */
const FRESH_COLUMNS: readonly Column<FreshArticle>[] = [
  { name: 'id', type: 'text', of: (f) => articleId(f.source, f.entry.identity) },
  { name: 'source', type: 'text', of: (f) => f.source },
  { name: 'identity', type: 'text', of: (f) => f.entry.identity },
  { name: 'updated', type: 'bigint', of: (f) => (f.entry.updated ?? f.entry.published).getTime() },
  { name: 'first_seen', type: 'bigint', of: (f) => f.now.getTime() },
];

/** What dedupe decided for a new article: its story (its own, or the one it joined, and why) and its index keys. */
export const STORY_COLUMNS: readonly Column<FreshArticle>[] = [
  { name: 'story', type: 'text', of: (f) => f.story.match?.story ?? articleId(f.source, f.entry.identity) },
  { name: 'dedupe_rule', type: 'text', of: (f) => f.story.match?.rule ?? null },
  { name: 'dedupe_of', type: 'text', of: (f) => f.story.match?.with ?? null },
  { name: 'dedupe_score', type: 'float8', of: (f) => f.story.match?.score ?? null },
  { name: 'bands', type: 'bytea', of: (f) => keysBlob(f.story.keys) },
];

/** Every column of a new article's row, in order: its own, its story's, then its entry's. */
export const INSERT_COLUMNS: readonly { name: string; type: ColumnType }[] = [
  ...FRESH_COLUMNS,
  ...STORY_COLUMNS,
  ...ENTRY_COLUMNS,
];

/** A new article's values, in INSERT_COLUMNS' order. */
export const insertValues = (f: FreshArticle): unknown[] => [
  ...FRESH_COLUMNS.map((c) => c.of(f)),
  ...storyValues(f),
  ...ENTRY_COLUMNS.map((c) => c.of(f.entry)),
];

/** A new article's story values, in STORY_COLUMNS' order. */
export const storyValues = (f: FreshArticle): unknown[] => STORY_COLUMNS.map((c) => c.of(f));

/** An edited article's values, in ENTRY_COLUMNS' order. */
export const entryValues = (e: Entry): unknown[] => ENTRY_COLUMNS.map((c) => c.of(e));

/**
 * The columns an edit sets besides its entry's: the time of the edit, and the index keys, which
 * follow the new text (an article left out of the index stays out). Each takes one value.
 */
export const EDIT_SETS = ['updated = ?', 'bands = CASE WHEN bands IS NULL THEN bands ELSE ? END'];
export const editValues = (keys: readonly number[], now: Date): unknown[] => [now.getTime(), keysBlob(keys)];
