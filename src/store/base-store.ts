// The Store both dialects share: every method whose rules are the same (sources, claims, leases,
// reads) is written here once over the dialect's Database; a dialect class adds the ingest, the
// change sequence and what only its engine knows (size on disk, integrity, LISTEN).
import type {
  Article,
  Changes,
  DocumentStamp,
  EventCandidate,
  EventMembership,
  FetchState,
  Holder,
  StoryCandidate,
  StoryLink,
  StoryMergeRecord,
  Tag,
} from '../model.js';
import { ArticleReads } from './article-reads.js';
import { Claims } from './claims.js';
import { EventReads } from './event-reads.js';
import { Leases } from './leases.js';
import { Sources } from './sources.js';
import { mergesInto } from './story-merges.js';
import type { Database, Dialect, Sql } from './sql.js';
import type {
  ArticleFilter,
  ArticleQuery,
  Claim,
  DuplicateGroup,
  FailureRecord,
  IngestTransaction,
  LeaseHolder,
  OlderArticles,
  RemovedSource,
  SourceRow,
  Store,
  StoreStats,
  SuccessRecord,
  TagCount,
  Wanted,
} from './store.js';

export abstract class BaseStore implements Store {
  private readonly sources: Sources;
  private readonly claims: Claims;
  private readonly leases: Leases;
  private readonly reads: ArticleReads;
  private readonly events: EventReads;

  constructor(
    protected readonly database: Database,
    dialect: Dialect,
  ) {
    this.sources = new Sources(database, dialect);
    this.claims = new Claims(database, dialect);
    this.leases = new Leases(database);
    this.reads = new ArticleReads(database, dialect);
    this.events = new EventReads(database, dialect);
  }

  /** Moves the change sequence (committed ingests, purges, enables: `seq`; recorded fetches: `checked`). */
  protected abstract bump(sql: Sql, seq: number, checked: number): Promise<void>;
  abstract changes(): Promise<Changes>;
  abstract ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
  abstract deleteArticles(ids: string[], now: Date, keepOut?: boolean): Promise<number>;
  abstract retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number>;
  abstract flushSearch(): Promise<void>;
  abstract stats(): Promise<StoreStats>;
  abstract integrityCheck(): Promise<string>;
  abstract close(): Promise<void>;

  upsertSource(source: SourceRow, now: Date, position = 0): Promise<void> {
    return this.sources.upsert(source, now, position);
  }

  fetchState(name: string): Promise<FetchState | undefined> {
    return this.sources.state(name);
  }

  fetchStates(): Promise<FetchState[]> {
    return this.sources.states();
  }

  recordSuccess(name: string, now: Date, record: SuccessRecord): Promise<void> {
    return this.database.transaction(async (sql) => {
      await this.sources.recordSuccess(sql, name, now, record);
      await this.bump(sql, 0, 1);
    });
  }

  recordFailure(name: string, now: Date, record: FailureRecord): Promise<void> {
    return this.database.transaction(async (sql) => {
      await this.sources.recordFailure(sql, name, now, record);
      await this.bump(sql, 0, 1);
    });
  }

  enableSource(name: string): Promise<boolean> {
    return this.database.transaction(async (sql) => {
      const enabled = await this.sources.enable(sql, name);
      if (enabled) await this.bump(sql, 1, 0);
      return enabled;
    });
  }

  documentStamps(source: string, options: string): Promise<Record<string, DocumentStamp>> {
    return this.sources.documentStamps(source, options);
  }

  noteChange(): Promise<void> {
    return this.database.transaction((sql) => this.bump(sql, 1, 0));
  }

  shiftTimes(ms: number): Promise<void> {
    return this.database.transaction((sql) => this.sources.shiftTimes(sql, ms));
  }

  claimSources(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): Promise<string[]> {
    return this.claims.claim(holder, wanted, limit, until, now);
  }

  renewClaims(holder: string, until: Date): Promise<void> {
    return this.claims.renew(holder, until);
  }

  releaseClaim(source: string, holder: string): Promise<void> {
    return this.claims.release(source, holder);
  }

  claimsOn(names: readonly string[], now: Date): Promise<Claim[]> {
    return this.claims.on(names, now);
  }

  breakClaims(holder: string): Promise<number> {
    return this.claims.break(holder);
  }

  takeHostSlot(host: string, slots: number, holder: string, until: Date, now: Date): Promise<number | undefined> {
    return this.claims.takeSlot(host, slots, holder, until, now);
  }

  releaseHostSlot(host: string, slot: number, holder: string): Promise<void> {
    return this.claims.releaseSlot(host, slot, holder);
  }

  acquireLease(name: string, holder: Holder, ttlMs: number, now: Date): Promise<boolean> {
    return this.leases.acquire(name, holder, ttlMs, now);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.leases.release(name, holder);
  }

  leaseHolder(name: string, now: Date): Promise<LeaseHolder | undefined> {
    return this.leases.holderOf(name, now);
  }

  async retireSources(configured: readonly string[], now: Date): Promise<void> {
    if (!(await this.sources.retireNeeded(configured))) return;
    await this.database.transaction(async (sql) => {
      if ((await this.sources.retire(sql, configured, now)).length) await this.bump(sql, 1, 0);
    });
  }

  removedSources(): Promise<RemovedSource[]> {
    return this.sources.removed();
  }

  /** The configured sources' articles and stories, for stats. */
  protected storyCounts(): Promise<{ articles: number; stories: number }> {
    return this.reads.storyCounts();
  }

  olderArticles(normalizer: number): Promise<OlderArticles> {
    return this.sources.olderArticles(normalizer);
  }

  rawHashes(source: string): Promise<Record<string, string>> {
    return this.sources.rawHashes(source);
  }

  article(id: string): Promise<Article | undefined> {
    return this.reads.article(id);
  }

  contentByLink(link: string, exceptSource: string): Promise<string | undefined> {
    return this.reads.contentByLink(link, exceptSource);
  }

  articles(query?: ArticleQuery): Promise<Article[]> {
    return this.reads.articles(query);
  }

  filterArticles(filter: ArticleFilter): Promise<Article[]> {
    return this.reads.filter(filter);
  }

  storyCarriers(ids: readonly string[]): Promise<Map<string, Article[]>> {
    return this.reads.storyCarriers(ids);
  }

  storyMerges(story: string): Promise<StoryMergeRecord[]> {
    return mergesInto(this.database, story);
  }

  storyLink(id: string): Promise<StoryLink | undefined> {
    return this.reads.storyLink(id);
  }

  duplicateGroups(): Promise<DuplicateGroup[]> {
    return this.reads.duplicateGroups();
  }

  comparables(ids: readonly string[]): Promise<StoryCandidate[]> {
    return this.reads.comparables(ids);
  }

  comparablesNear(id: string, windowMs: number): Promise<StoryCandidate[]> {
    return this.reads.comparablesNear(id, windowMs);
  }

  eventMemberships(ids: readonly string[]): Promise<Map<string, EventMembership>> {
    return this.events.memberships(ids);
  }

  event(id: string): Promise<EventCandidate | undefined> {
    return this.events.event(id);
  }

  eventArticles(event: string, limit?: number, offset?: number): Promise<Article[]> {
    return this.events.articles(event, limit, offset);
  }

  latestEvents(minSize: number, limit: number): Promise<EventCandidate[]> {
    return this.events.latest(minSize, limit);
  }

  eventsBetween(from: Date, to: Date, limit: number): Promise<EventCandidate[]> {
    return this.events.between(from, to, limit);
  }

  tag(slug: string): Promise<Tag | undefined> {
    return this.reads.tag(slug);
  }

  tagCounts(): Promise<TagCount[]> {
    return this.reads.tagCounts();
  }

  changedSince(since: Date): Promise<{ sources: string[]; tags: string[] }> {
    return this.reads.changedSince(since);
  }

  count(what: 'articles' | 'tags' | 'article_tags' | 'sources'): Promise<number> {
    return this.reads.count(what);
  }

  expiredArticles(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): Promise<string[]> {
    return this.reads.expired(retention, now);
  }

  async ping(): Promise<boolean> {
    try {
      return Number((await this.database.get<{ ok: number }>('SELECT 1 AS ok'))?.ok) === 1;
    } catch {
      return false;
    }
  }
}
