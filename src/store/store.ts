// The store: the one place every process agrees on. This is its interface; base-store.ts and the
// shared modules beside it hold its rules once, and store/sqlite/ (embedded, the default) and
// store/postgres/ are thin dialects under them. It takes finished rows and returns articles: it
// knows nothing of fetching, parsing, normalizing or the story rules (it answers their lookups,
// as a StoryIndex).
import type {
  Article,
  Changes,
  DocumentStamp,
  Entry,
  FetchState,
  Holder,
  IngestCounts,
  IngestPlan,
  StoryCandidate,
  StoryDecisions,
  StoryIndex,
  StoryLink,
  StoryMergeRecord,
  Tag,
  EventCandidate,
  EventIndex,
  EventMembership,
} from '../model.js';

export interface SourceRow {
  name: string;
  type: string;
  location: string;
}

export interface ArticleQuery {
  tag?: string;
  source?: string;
  limit?: number;
  /** Skip this many first (pages of the river). */
  offset?: number;
  /** Each story once (its canonical article): the site and tag feeds. */
  stories?: boolean;
}

/** Any query as a list: /search?q=…, and the filters ?tag=a,b&source=x&not=word on feeds. */
export interface ArticleFilter {
  /** A search query (search-query.ts's language); none: every article. */
  query?: string;
  /** Articles with this tag (a tag's own feed, filtered). */
  tag?: string;
  /** Articles with any of these tags. */
  tags?: readonly string[];
  source?: string;
  /** Articles published at or after this. */
  since?: Date;
  /** Queries whose matches are left out. */
  not?: readonly string[];
  /** Best match first (with a query), else newest first. */
  order?: 'rank' | 'newest';
  limit?: number;
  offset?: number;
}

export interface TagCount extends Tag {
  count: number;
}

export interface SuccessRecord {
  /** HTTP status; none for local sources. */
  status?: number;
  etag?: string;
  lastModified?: string;
  movedTo?: string;
  ttlMinutes?: number;
  cacheUntil?: Date;
  skipHours?: number[];
  skipDays?: string[];
  /** What the feed calls itself and its site (kept when a fetch parses nothing). */
  feedTitle?: string;
  feedLink?: string;
  /** Entries the keep and block rules left out of this read (none recorded: the last read's count stays). */
  leftOutByRules?: number;
  /** The normalizer version the document was read with (none: not read, as after a 304). */
  normalizer?: number;
}

export interface FailureRecord {
  status?: number;
  error: string;
  retryAfter?: Date;
  gone?: boolean;
}

export interface LeaseHolder extends Holder {
  expires: Date;
}

/** A source claimed for refreshing: by whom, until when. */
export interface Claim {
  source: string;
  holder: Holder;
  until: Date;
}

/** A source to claim, with its last check as the claimer saw it when it found the source due. */
export interface Wanted {
  name: string;
  /** undefined: claim it whenever it is free (a refresh asked for by hand); null: never checked. */
  lastCheck?: Date | null;
}

export interface DuplicateGroup {
  story: string;
  members: { article: Article; link: StoryLink }[];
}

/** Stored articles normalized by an older normalizer than the given version (or before versions were recorded). */
export interface OlderArticles {
  articles: number;
  /**
   * Of those, the ones whose source was read since with the given version: their entries have left
   * the feed (or its maxItems), so no refresh can normalize them again.
   */
  notInFeeds: number;
}

export interface StoreStats {
  /** The database file, or user@host:port/database. */
  location: string;
  articles: number;
  stories: number;
  mergedDuplicates: number;
  /** Bytes on disk, write-ahead log included. */
  bytes: number;
  schemaVersion: number;
}

/** A source gone from the configuration: its articles are out of every list, and purged after a grace period. */
export interface RemovedSource {
  name: string;
  removedAt: Date;
  articles: number;
}

/** One source's ingest, inside one transaction: plan, then (dedupe decides), then write. */
export interface IngestTransaction extends StoryIndex, EventIndex {
  /**
   * Which entries are new to the source, which were edited, and which are stored unchanged or kept
   * out. A store may write the new entries now (first seen at `now`), each as a story of its own.
   */
  plan(source: string, entries: readonly Entry[], now: Date): Promise<IngestPlan>;
  /** Writes what dedupe decided for a plan: the story each new entry joins, the index keys, the edits. */
  write(plan: IngestPlan, stories: StoryDecisions, now: Date): Promise<IngestCounts>;
  /** Remembers the seed documents read, with the options they were read with. */
  recordDocuments(source: string, stamps: readonly DocumentStamp[], options: string): Promise<void>;
  /** Lets the event loop run (requests are served) before the transaction goes on. */
  pause(): Promise<void>;
}

export interface Store {
  /** `position` is the source's place in the configuration: it breaks ties between stories' articles. */
  upsertSource(source: SourceRow, now: Date, position: number): Promise<void>;
  fetchState(name: string): Promise<FetchState | undefined>;
  fetchStates(): Promise<FetchState[]>;
  recordSuccess(name: string, now: Date, record: SuccessRecord): Promise<void>;
  recordFailure(name: string, now: Date, record: FailureRecord): Promise<void>;
  /** Lets a gone or backed-off source be fetched again; false when there is no such source. */
  enableSource(name: string): Promise<boolean>;
  /** The seed documents of a source as last read with these options, by identity. */
  documentStamps(source: string, options: string): Promise<Record<string, DocumentStamp>>;

  /**
   * The change sequence: every committed ingest, purge and enable moves `seq`, and so does
   * noteChange (a new configuration); every recorded fetch moves `checked`. Checking costs little
   * enough to do often.
   */
  changes(): Promise<Changes>;
  noteChange(): Promise<void>;
  /** Calls `listener` as soon as another process commits a change, where the store can tell (PostgreSQL's LISTEN). */
  watchChanges?(listener: () => void): Promise<void>;
  /** After the wall clock stepped by `ms`: every recorded fetch time and lease keeps its distance from now. */
  shiftTimes(ms: number): Promise<void>;

  /**
   * Claims sources for refreshing, at most `limit` of them, until `until`: of `wanted`, those no one
   * else holds (or whose claim ran out) and, where a last check is given, whose last check is still
   * that one, so that a source another process fetched meanwhile is not fetched again. Rows that
   * another process is claiming right now are skipped, not waited for. Returns the names claimed.
   */
  claimSources(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): Promise<string[]>;
  /** Extends every claim `holder` has. */
  renewClaims(holder: string, until: Date): Promise<void>;
  releaseClaim(source: string, holder: string): Promise<void>;
  /** The live claims on these sources. */
  claimsOn(names: readonly string[], now: Date): Promise<Claim[]>;
  /** Drops every claim of `holder` (its process is gone), and the host places its fetches held; returns how many claims. */
  breakClaims(holder: string): Promise<number>;
  /**
   * One of `slots` places for fetching from `host` at once, across every process: its number, or
   * undefined when all are taken. A place not released runs out at `until`.
   */
  takeHostSlot(host: string, slots: number, holder: string, until: Date, now: Date): Promise<number | undefined>;
  releaseHostSlot(host: string, slot: number, holder: string): Promise<void>;

  /** Takes the named lease (the daemon's presence) when it is free, expired or already ours, until now + ttlMs. */
  acquireLease(name: string, holder: Holder, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  leaseHolder(name: string, now: Date): Promise<LeaseHolder | undefined>;

  /** The stored articles (of configured sources) that an older normalizer than `normalizer` made. */
  olderArticles(normalizer: number): Promise<OlderArticles>;
  /** Identity → raw hash of a source's stored articles, for normalize to skip what has not changed. */
  rawHashes(source: string): Promise<Record<string, string>>;
  /** Runs one source's ingest in one transaction: all of it or, on failure, none. */
  ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
  /** Writes what waits for the full-text index (refreshAll calls it at the end; search does first). */
  flushSearch(): Promise<void>;

  article(id: string): Promise<Article | undefined>;
  /** The longest content another source stored for this link (full text reuses it rather than fetch the page again). */
  contentByLink(link: string, exceptSource: string): Promise<string | undefined>;
  /** Newest first. */
  articles(query?: ArticleQuery): Promise<Article[]>;
  /**
   * Articles that match a filter: full-text search (words, "phrases", prefix*, AND, OR, NOT) best
   * match first, tags, source, date; a bad query (or `not` query) throws SearchQueryError.
   */
  filterArticles(filter: ArticleFilter): Promise<Article[]>;
  /** id → every stored article of its story (itself included), earliest first. */
  storyCarriers(ids: readonly string[]): Promise<Map<string, Article[]>>;
  storyLink(id: string): Promise<StoryLink | undefined>;
  /** The stories merged into this one (a new article matched both), oldest first. */
  storyMerges(story: string): Promise<StoryMergeRecord[]>;
  /** Stories carried by more than one article, with their members (canonical first). */
  duplicateGroups(): Promise<DuplicateGroup[]>;
  /** Articles as the near-duplicate rule compares them (title, date, shingles and their marks), by id. */
  comparables(ids: readonly string[]): Promise<StoryCandidate[]>;
  /** Other sources' articles published within `windowMs` of this one, as the rule compares them. */
  comparablesNear(id: string, windowMs: number): Promise<StoryCandidate[]>;
  /** The event of each of these articles that has one, with why it joined. */
  eventMemberships(ids: readonly string[]): Promise<Map<string, EventMembership>>;
  event(id: string): Promise<EventCandidate | undefined>;
  /** Every report of an event, newest first. */
  eventArticles(event: string, limit?: number, offset?: number): Promise<Article[]>;
  /** Events with at least `minSize` reports, latest first. */
  latestEvents(minSize: number, limit: number): Promise<EventCandidate[]>;
  /** Events with a report between `from` and `to`, latest first. */
  eventsBetween(from: Date, to: Date, limit: number): Promise<EventCandidate[]>;
  tag(slug: string): Promise<Tag | undefined>;
  tagCounts(): Promise<TagCount[]>;
  /** The sources and tags of articles added or edited since `since`: the feeds that changed. */
  changedSince(since: Date): Promise<{ sources: string[]; tags: string[] }>;
  count(what: 'articles' | 'tags' | 'article_tags' | 'sources'): Promise<number>;
  stats(): Promise<StoreStats>;

  /** Articles that retention removes: older than `maxAgeDays`, or beyond the newest `maxPerSource` of a source. */
  expiredArticles(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): Promise<string[]>;
  /**
   * Passes every stored article's tags through `retag` (new tag rules or aliases) and stores what it
   * returns where that differs, in one transaction; returns how many articles changed.
   */
  retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number>;
  /**
   * Deletes articles, leaving tombstones so that they do not come back (unless `keepOut` is false:
   * a removed source's or a deleted seed file's articles come back if it does); returns how many went.
   */
  deleteArticles(ids: string[], now: Date, keepOut?: boolean): Promise<number>;
  /**
   * The configuration is the truth about sources: those not in `configured` are marked removed (their
   * articles leave every list, search and count at once, though `articles({ source })` still finds
   * them), those back in it are restored, and removed ones without articles left are forgotten.
   */
  retireSources(configured: readonly string[], now: Date): Promise<void>;
  removedSources(): Promise<RemovedSource[]>;

  /** A cheap round trip to the database. */
  ping(): Promise<boolean>;
  /** "ok", or what the database's own check found. */
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}
