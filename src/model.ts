// The canonical model. Everything after parse/ and normalize/ sees these types; no I/O here.

/**
 * Tags one article carries, at most: a feed's 2,000 categories made 2,000 tags, and the build wrote each
 * tag's feeds with all of them (issue 25). Normalize keeps the first; publish writes no more.
 */
export const MAX_TAGS = 32;

export interface Tag {
  /** URL-safe key: NFC, lowercase, spaces as hyphens. One tag per slug. */
  slug: string;
  /** How people write it. */
  label: string;
}

export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

/** One normalized entry of a source, before it is stored. */
export interface Entry {
  /** Unique within its source: the guid, the link, a path or a hash (see normalize/identity). */
  identity: string;
  title: string;
  /** The original's canonical URL, when it has one (seed documents have none). */
  link?: string;
  published: Date;
  updated?: Date;
  author?: string;
  /** Plain text. */
  summary: string;
  /** Sanitized HTML. */
  content: string;
  tags: Tag[];
  enclosures: Enclosure[];
  language?: string;
  /** Plain text of the content: what search indexes and dedupe compares. */
  text: string;
  /**
   * The same words, one paragraph a line: made where the content is sanitized, so that dedupe's
   * fingerprint stage need not read the HTML again; that stage removes it.
   */
  paragraphs?: string;
  /** A hash of what readers see; a new hash for the same identity means the article was edited. */
  contentHash: string;
  /** A hash of the entry as parsed: the same hash at the next fetch means nothing to normalize. */
  rawHash?: string;
  /** The version of the normalizer that made it (normalize/normalizer-version.ts); not part of what readers see. */
  normalizer?: number;
  /** It had no date of its own (it has its feed's, see normalize/undated.ts): counted and warned of, not stored. */
  undated?: boolean;
  /** Made by dedupe's fingerprint stage; not part of what readers see. */
  fingerprint?: Fingerprint;
  /** Made by dedupe's event terms stage: what events compare. */
  eventTerms?: EventTerms;
}

export interface Fingerprint {
  /** Hash of the normalized title and text. */
  exact: string;
  /** Sorted, unique hashes of the text's word 3-shingles. */
  shingles: Uint32Array;
  /** A byte per shingle: its paragraph (low 7 bits) and 0x80 when it is quotation. */
  marks: Uint8Array;
  /** The near-duplicate index's keys for this text, indexed and looked up: MinHash bands and passage keys. */
  bands: number[];
}

/** A stored entry. */
export interface Article
  extends Omit<Entry, 'rawHash' | 'normalizer' | 'fingerprint' | 'text' | 'paragraphs' | 'undated' | 'eventTerms'> {
  id: string;
  source: string;
  updated: Date;
  /** The story it is one carrier of (the id of the article that started it), when the store says. */
  story?: string;
}

/** How an article joined its story, for `tidings explain`. */
export interface StoryLink {
  story: string;
  canonical: boolean;
  rule?: 'url' | 'fingerprint' | 'near';
  /** The article it was matched with. */
  matchedWith?: string;
  /** Containment of the shorter text for near duplicates; 1 for exact rules. */
  score?: number;
}

/** The story a new article joins, and why. */
export interface StoryMatch {
  story: string;
  /** The article it matched. */
  with: string;
  rule: 'url' | 'fingerprint' | 'near';
  score: number;
  /** An earlier fresh entry of the same plan, same content: the store fills in story and with (resolveStories). */
  sibling?: number;
  /** Other stories this article bridges to its own: merged into `story`, and recorded. */
  merges?: StoryMerge[];
}

/** A story merged into another because a new article matched both, and what it shares with each overlaps. */
export interface StoryMerge {
  /** The story merged away. */
  merged: string;
  /** The articles the new one matched: one of the story it joins, one of the merged story. */
  a: string;
  b: string;
  /** Of the smaller of the new article's shares with a and with b, the part both have: the guard against chaining unrelated stories. */
  score: number;
}

/** A story merge as recorded, for tidings explain. */
export interface StoryMergeRecord extends StoryMerge {
  story: string;
  /** The article that bridged them. */
  article: string;
  at: Date;
}

/** An article and the story it belongs to. */
export interface StoryRef {
  id: string;
  story: string;
}

/** Another source's article, as the near-duplicate rule compares it. */
export interface StoryCandidate extends StoryRef {
  title: string;
  published: Date;
  shingles: Uint32Array;
  marks: Uint8Array;
}

/**
 * What the story rules ask of the store: other sources' articles by canonical link, by content
 * fingerprint and by near-duplicate index key. Each answers for a whole batch of entries at once.
 */
export interface StoryIndex {
  /** For each link, the earliest published article of another source that has it. */
  findByLinks(links: readonly string[], exceptSource: string): Promise<Map<string, StoryRef>>;
  /** For each fingerprint, the earliest published article of another source ('' for any source) that has it. */
  findByFingerprints(fingerprints: readonly string[], exceptSource: string): Promise<Map<string, StoryRef>>;
  /** For each key, the articles of other sources indexed under it. */
  findByKeys(keys: readonly number[], exceptSource: string): Promise<Map<number, StoryCandidate[]>>;
}

/** What an ingest does with a source's entries, decided by the store before anything is written. */
export interface IngestPlan {
  source: string;
  /** Entries new to the source: each may join another source's story. */
  fresh: Entry[];
  /** Entries the source stored before, changed since. */
  edited: Entry[];
  /** Entries stored exactly so already. */
  unchanged: number;
  /** Entries deleted or purged before (their tombstones keep them out). */
  keptOut: number;
}

/** What dedupe decided for a plan: the story each fresh entry joins, and every entry's index keys. */
export interface StoryDecisions {
  fresh: { match?: StoryMatch; keys: number[] }[];
  edited: number[][];
}

export interface IngestCounts {
  new: number;
  updated: number;
  unchanged: number;
  /** Deleted or purged before: their tombstones keep them out. */
  keptOut: number;
}

/** Per-source fetch state: validators, outcomes, back-off and the feed's own polling hints. */
export interface FetchState {
  name: string;
  type: string;
  location: string;
  /** Where the feed lives now, after permanent redirects; the configured URL otherwise. */
  url: string;
  etag?: string;
  lastModified?: string;
  lastCheck?: Date;
  lastSuccess?: Date;
  lastStatus?: number;
  lastError?: string;
  consecutiveErrors: number;
  nextFetch?: Date;
  gone: boolean;
  ttlMinutes?: number;
  cacheUntil?: Date;
  skipHours: number[];
  skipDays: string[];
  articles: number;
  /** The feed's own title and site, as last parsed. */
  feedTitle?: string;
  feedLink?: string;
  /** Entries the keep and block rules left out at the last read. */
  leftOutByRules?: number;
  /** The normalizer version its document was last read with (none: never, or before versions were recorded). */
  normalizer?: number;
}

/** A process that holds a lease: what messages call it, and what tells a live one from a dead one. */
export interface Holder {
  /** "daemon:1234", "cli:5678". */
  name: string;
  host: string;
  pid: number;
  /** The process's start time (0 where it cannot be read), so that a reused pid is not taken for it. */
  started: number;
}

/** A seed document as last read: an unchanged one (same size and time) is skipped unread. */
export interface DocumentStamp {
  /** Its path inside the source's folder: the article's identity. */
  identity: string;
  size: number;
  /** Modification time, in milliseconds. */
  mtime: number;
  /** sha256 of its bytes: a touched file with the same bytes is not parsed again. */
  hash: string;
}

/** The store's change sequence: `seq` moves when what the site shows changes, `checked` when a fetch's outcome is recorded. */
export interface Changes {
  seq: number;
  checked: number;
}

export interface Refusal {
  file: string;
  reason: string;
}

export interface RefreshResult {
  source: string;
  ok: boolean;
  new: number;
  updated: number;
  unchanged: number;
  /** Entries deleted or purged before, which their tombstones keep out. */
  keptOut?: number;
  /** Entries the keep and block rules left out (not stored). */
  leftOutByRules?: number;
  /** Full text (issue 24): pages extracted, articles reused by link, failures, entries left for the next refresh. */
  fullText?: { extracted: number; reused: number; failed: number; deferred: number };
  /** Articles whose seed document was deleted from the folder, deleted with it. */
  deleted?: number;
  /** New or edited entries without a date of their own (dated by their feed, see normalize/undated.ts). */
  undated?: number;
  refused: Refusal[];
  warnings: string[];
  error?: string;
  /** HTTP 304: nothing was parsed. */
  notModified?: boolean;
  /** Why the source was not fetched at all (gone, or asked to wait). */
  skipped?: string;
  durationMs?: number;
}

/** An article's terms for events, heaviest first: lemmas, and names as "n:xi jinping", with their weights. */
export type EventTerms = [string, number][];

/** An event as its new reports are compared with it: its time span and the centroid of its reports' terms. */
export interface EventCandidate {
  /** The id of its first report. */
  id: string;
  first: Date;
  last: Date;
  size: number;
  centroid: EventTerms;
  /** The names it is found by (its heaviest), when it is written. */
  names?: string[];
}

/** Why an article is in its event, for `tidings explain`. */
export interface EventMembership {
  article: string;
  event: string;
  /** Cosine similarity to the event's centroid when it joined (1 for the report that started it). */
  score: number;
  /** The heaviest terms it shared with the event. */
  shared: string[];
  /** Hours between it and the nearest report of the event, when it joined. */
  gapHours: number;
  /** Its own terms, so that explain needs no language model. */
  terms: EventTerms;
}

/** What the event rules ask of the store, inside the ingest's transaction. */
export interface EventIndex {
  /** Stored ids of a source's entries. */
  articleIds(source: string, identities: readonly string[]): Promise<string[]>;
  /** Events found by two or more of these names with a report since `since`, the latest `limit`. */
  eventsNamed(names: readonly string[], since: Date, limit: number): Promise<EventCandidate[]>;
  /** The event of each of these articles that has one. */
  eventsOf(articles: readonly string[]): Promise<Map<string, string>>;
  /** Writes new and grown events, and their new members. */
  saveEvents(events: readonly EventCandidate[], members: readonly EventMembership[]): Promise<void>;
}

/** A daemon's refresh under way: how many of its sources are done (/healthz says it). */
export interface TickProgress {
  started: Date;
  done: number;
  total: number;
  failed: number;
}
