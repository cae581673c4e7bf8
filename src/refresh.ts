// refreshSource: the one place that runs every stage, in pipeline order, for one source:
// read or fetch → parse → normalize → match stories → store; then the outcome is recorded on the
// source. Parsing, normalizing and fingerprinting run where `work` says (worker threads).
import { createHash } from 'node:crypto';
import { withHostPlace } from './claims/host-places.js';
import { sourceLocation, sourcePath } from './config/paths.js';
import type { Config, DedupeSettings, FeedSource, Source } from './config/schema.js';
import { assignEvents } from './dedupe/events.js';
import { assignStories } from './dedupe/stories.js';
import { errorMessage, FetchError, InputError } from './errors.js';
import { documentOf, fetchDepsOf, fetchFeed, type FetchDeps } from './ingest/fetch.js';
import type { Logger } from './log.js';
import { textOfSanitized } from './lib/html-text.js';
import type {
  Article,
  DocumentStamp,
  Entry,
  Holder,
  IngestCounts,
  IngestPlan,
  Refusal,
  RefreshResult,
} from './model.js';
import type { NormalizeOptions } from './normalize/normalize-entry.js';
import { NORMALIZER } from './normalize/normalizer-version.js';
import { toTags } from './normalize/tags.js';
import { htmlToText } from './normalize/html.js';
import { collapseWhitespace, truncateAtWord } from './lib/text.js';
import { canonicalUrl } from './lib/urls.js';
import { safeText } from './lib/xml-chars.js';
import type { FeedDocument } from './parse/parse-feed.js';
import { readFeedFile } from './ingest/files.js';
import { addFullTexts, FullTextCache, HTML_ACCEPT, type FullTextCounts } from './ingest/full-text.js';
import { MAX_SEED_BYTES } from './parse/seed.js';
import { applyRules, rulesOf } from './rules/rules.js';
import { articleId } from './store/rows.js';
import type { Store, SuccessRecord } from './store/store.js';
import { transferable, type Work } from './work/pool.js';
import { stage } from './work/stage-call.js';
import type { Batch } from './work/stages.js';
import type { FeedMeta } from './parse/types.js';

export interface RefreshDeps {
  config: Config;
  store: Store;
  log: Logger;
  /** Where parsing and normalizing run. */
  work: Work;
  now?: () => Date;
  /** Waits `ms` (the spread of a tick's fetches); setTimeout by default. */
  wait?: (ms: number) => Promise<void>;
  /** Injectable DNS and limits for the HTTP client. */
  fetch?: Partial<Omit<FetchDeps, 'userAgent'>>;
  /** Stops starting sources and aborts fetches in flight (shutdown). */
  signal?: AbortSignal;
  /** The process refreshing: with it, fetches from one host are limited across processes too. */
  holder?: Holder;
  /**
   * Read every source again in full (`tidings refresh --force`): no validators sent, no document
   * or entry skipped as unchanged, so new tag rules, aliases or a new Tidings reach every entry.
   */
  force?: boolean;
  /** The normalizer version to read with: NORMALIZER.version (tests play an upgrade with an older one). */
  normalizer?: number;
}

const normalizerOf = (deps: RefreshDeps): number => deps.normalizer ?? NORMALIZER.version;

/** Entries are normalized in batches of this many, spread over the workers, and stored batch by batch. */
const BATCH = 250;
/** At most this many batches are normalized ahead of the one being stored: what is held grows with the batch, not the feed. */
const AHEAD = 2;
/** A source's entries are stored this many at a time, the event loop running in between. */
const STORE_CHUNK = 200;

/** What reading or fetching a source gave: something to parse, or the reason there is nothing. */
type Input =
  | { kind: 'seeds'; dir: string; stampKey: string }
  | { kind: 'file'; path: string; doc: FeedDocument; stampKey: string }
  | { kind: 'document'; bytes: Uint8Array; doc: FeedDocument; success: SuccessRecord; stampKey: string }
  | { kind: 'not modified'; success: SuccessRecord }
  | { kind: 'skipped'; reason: string };

async function fetchRemote(source: FeedSource, deps: RefreshDeps, now: Date): Promise<Input> {
  const state = (await deps.store.fetchState(source.name))!;
  if (state.gone)
    return {
      kind: 'skipped',
      reason: `gone: the server answered 410 at ${state.lastCheck?.toISOString() ?? 'the last check'}; run "tidings sources enable ${source.name}" to fetch it again`,
    };
  if (state.nextFetch && state.nextFetch > now)
    return { kind: 'skipped', reason: `the server asked to wait until ${state.nextFetch.toISOString()}` };
  // Read last with an older normalizer: fetched in full once, so that a 304 cannot keep it from the new one.
  const full = source.ignoreCacheHeaders || deps.force || (state.normalizer ?? 0) < normalizerOf(deps);
  const response = await withHostPlace(state.url, deps, () =>
    fetchFeed(full ? { url: state.url } : { url: state.url, etag: state.etag, lastModified: state.lastModified }, {
      ...fetchDepsOf(deps.config, source),
      now: deps.now,
      signal: deps.signal,
      ...deps.fetch,
    }),
  );
  if (response.movedTo)
    deps.log.info(
      { source: source.name, url: response.movedTo },
      `${source.name}: moved permanently to ${response.movedTo}`,
    );
  const success: SuccessRecord = {
    status: response.status,
    etag: response.headers.etag,
    lastModified: response.headers.lastModified,
    movedTo: response.movedTo,
    cacheUntil: source.ignoreCacheHeaders ? undefined : response.cacheUntil,
  };
  if (response.status === 304) return { kind: 'not modified', success };
  return {
    kind: 'document',
    bytes: response.body!,
    doc: { ...documentOf(response), timezone: source.timezone },
    success,
    stampKey: stampKey(source, deps),
  };
}

/**
 * Read or fetch: a remote feed is fetched here (politely, with its validators); a seed folder or a
 * feed file is read by the worker that parses it, off this thread.
 */
function readSource(source: Source, deps: RefreshDeps, now: Date): Promise<Input> {
  if (source.type === 'seeds')
    return Promise.resolve({
      kind: 'seeds',
      dir: sourcePath(deps.config, source.path),
      stampKey: stampKey(source, deps),
    });
  if (source.type === 'file')
    return Promise.resolve({
      kind: 'file',
      path: sourcePath(deps.config, source.path),
      doc: { timezone: source.timezone },
      stampKey: stampKey(source, deps),
    });
  return fetchRemote(source, deps, now);
}

/** What every stage of a source's refresh normalizes with. */
function normalizeOptions(source: Source, deps: RefreshDeps, now: Date): NormalizeOptions {
  const { trackingParams, tagAliases } = deps.config;
  return {
    now,
    tags: source.tags,
    trackingParams,
    tagAliases,
    maxItems: source.type === 'seeds' ? undefined : source.maxItems,
    normalizer: normalizerOf(deps),
  };
}

/** The stamp of a whole feed document, beside the seed documents' stamps (named by path, never ""). */
const WHOLE_DOCUMENT = '';

/**
 * Parse, in a worker: the feed's own fields and the entries kept of it (its newest maxItems, read
 * one at a time: the document is never held as a tree), each with its identity, oldest first. The
 * entries the source stored exactly so already go no further, and the same job normalizes the first
 * batch of the others (a small feed is done in one job). A feed document with the very bytes its
 * source last stored is not parsed at all ('same bytes'): most polls of most feeds bring nothing
 * new. Its hash is taken off this thread (WebCrypto digests in the thread pool).
 */
async function parseDocument(
  input: Extract<Input, { kind: 'seeds' | 'file' | 'document' }>,
  source: Source,
  deps: RefreshDeps,
  options: NormalizeOptions,
): Promise<Batch | 'same bytes'> {
  const stamps = deps.force ? {} : await deps.store.documentStamps(source.name, input.stampKey);
  let stamp: DocumentStamp | undefined;
  let bytes: Uint8Array | undefined;
  if (input.kind !== 'seeds') {
    bytes = input.kind === 'file' ? await readFeedFile(input.path, deps.config.fetch.maxBodySize) : input.bytes;
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    if (stamps[WHOLE_DOCUMENT]?.hash === hash) return 'same bytes';
    stamp = { identity: WHOLE_DOCUMENT, size: bytes.byteLength, mtime: 0, hash };
  }
  const known = deps.force ? {} : await deps.store.rawHashes(source.name);
  const firstBatch = [
    stage('identify', options),
    stage('skipUnchanged', { ...options, known }),
    stage('normalize', { ...options, limit: BATCH }),
    ...dedupeStages(deps.config),
  ];
  if (input.kind === 'seeds') {
    const seeds = {
      timezone: source.timezone,
      titleFrom: source.type === 'seeds' ? source.titleFrom : 'hashtags',
    } as const;
    // A document whose article is gone (deleted with its file, which is back now) is read again.
    const stored = Object.fromEntries(Object.entries(stamps).filter(([identity]) => identity in known));
    return deps.work.run([stage('readSeeds'), stage('parseSeeds', seeds), ...firstBatch], {
      dir: input.dir,
      maxBytes: MAX_SEED_BYTES,
      known: stored,
    });
  }
  try {
    return await deps.work.run(
      [stage('parseNewest', { maxItems: options.maxItems }), ...firstBatch],
      { bytes, doc: input.doc, stamp },
      transferable(bytes!),
    );
  } catch (err) {
    // A feed file's errors name the file (reading errors do already).
    if (input.kind === 'file' && !(err instanceof InputError))
      throw new InputError(`${input.path}: ${errorMessage(err)}`);
    throw err;
  }
}

/** Fingerprints for the story rules; with events on, each entry's event terms too. */
const dedupeStages = (config: Config) => [
  stage('fingerprint'),
  ...(config.dedupe.events.enabled ? [stage('eventTerms')] : []),
];

/** A batch of a source's entries, normalized and fingerprinted (oldest first), with those refused. */
interface Normalized {
  entries: Entry[];
  refused: Refusal[];
}

/**
 * The entries of a parsed feed, normalized and fingerprinted batch by batch, in order: the parse
 * job's, then the rest BATCH at a time on the workers, at most AHEAD batches ahead of the consumer.
 * They start once the store has taken the first batch: a source waiting for the store holds its
 * parsed batch only (starting them at once held more and was no faster in `tidings refresh` of
 * 5 × 1,000 items). A batch's raw entries are let go once it is handed to a worker.
 */
function normalizedBatches(parsed: Batch, deps: RefreshDeps, options: NormalizeOptions): AsyncIterable<Normalized> {
  const todo = parsed.todo;
  parsed.todo = [];
  const feed = { ...parsed.feed, refused: [] };
  const ahead: Promise<Batch>[] = [];
  const fill = () => {
    while (todo.length && ahead.length < AHEAD) {
      const job = deps.work.run<Batch>([stage('normalize', options), ...dedupeStages(deps.config)], {
        feed,
        todo: todo.splice(0, BATCH),
        done: [],
        unchanged: 0,
      });
      job.catch(() => undefined); // awaited in its turn; a consumer that stopped early leaves it unread
      ahead.push(job);
    }
  };
  return (async function* () {
    yield { entries: parsed.done, refused: parsed.feed.refused };
    fill();
    while (ahead.length) {
      const done = await ahead.shift()!;
      fill();
      yield { entries: done.done, refused: done.feed.refused };
    }
  })();
}

/**
 * What a document was read with: an unchanged document is skipped unparsed only if these are the
 * same too (a new normalizer, time zone, source tags or maxItems read it again).
 */
function stampKey(source: Source, deps: RefreshDeps): string {
  const { tagAliases, trackingParams } = deps.config;
  const own = source.type === 'seeds' ? source.titleFrom : source.maxItems;
  const rules =
    source.type === 'seeds'
      ? []
      : [source.keep, source.block, deps.config.rules, source.type === 'feed' ? source.fullText : undefined];
  return createHash('sha256')
    .update(
      JSON.stringify([normalizerOf(deps), source.timezone, own, source.tags, tagAliases, trackingParams, ...rules]),
    )
    .digest('hex')
    .slice(0, 32);
}

/**
 * The tag rules and `tagAliases` applied to the tags of every stored article, in one transaction
 * (a new alias reaches articles no feed carries any more); returns how many articles changed.
 */
export function retagStored(store: Store, config: Pick<Config, 'tagAliases'>): Promise<number> {
  return store.retagArticles((tags) =>
    toTags(
      tags.map((t) => t.label),
      config.tagAliases,
    ),
  );
}

/** Seed documents read for an ingest, to remember with it. */
export interface Documents {
  stamps: DocumentStamp[];
  key: string;
}

/**
 * Match stories, then store: in one transaction, batch by batch as they come, the store plans what
 * is new, edited or unchanged (PostgreSQL writes the new articles then, side by side with other
 * workers), dedupe decides the story of each new entry, and the store writes that. Every chunk of a
 * batch is planned before any of its stories is decided, so that a store can keep what waits for
 * other ingests (the story decisions) short. A few hundred entries at a time, the event loop running
 * in between, so that a large ingest never stalls the server.
 */
function storeBatches(
  store: Store,
  source: string,
  batches: AsyncIterable<readonly Entry[]> | Iterable<readonly Entry[]>,
  now: Date,
  dedupe?: DedupeSettings,
  documents?: Documents,
  signal?: AbortSignal,
): Promise<IngestCounts> {
  return store.ingest(async (tx) => {
    const counts: IngestCounts = { new: 0, updated: 0, unchanged: 0, keptOut: 0 };
    let steps = 0;
    /** Lets the event loop run between steps; shutting down, the transaction rolls back (the source is refreshed again next time). */
    const step = async () => {
      if (steps++) await tx.pause();
      if (signal?.aborted) throw new InputError(`${source}: stopped (shutting down)`);
    };
    const storeBatch = async (entries: readonly Entry[]) => {
      // One entry per identity, the last one given, so that no two chunks hold the same article.
      const distinct = [...new Map(entries.map((e) => [e.identity, e])).values()];
      const plans: IngestPlan[] = [];
      for (let at = 0; at === 0 || at < distinct.length; at += STORE_CHUNK) {
        await step();
        plans.push(await tx.plan(source, distinct.slice(at, at + STORE_CHUNK), now));
      }
      for (const plan of plans) {
        await step();
        const stories = await assignStories(plan, tx, dedupe);
        const done = await tx.write(plan, stories, now);
        await assignEvents(plan, stories, tx, dedupe?.events);
        for (const k of ['new', 'updated', 'unchanged', 'keptOut'] as const) counts[k] += done[k];
      }
    };
    let stored = false;
    for await (const entries of batches) {
      if (!entries.length) continue;
      await storeBatch(entries);
      stored = true;
    }
    if (!stored) await storeBatch([]);
    if (documents?.stamps.length) await tx.recordDocuments(source, documents.stamps, documents.key);
    return counts;
  });
}

/** Entries stored as one batch (see storeBatches). */
export function storeEntries(
  store: Store,
  source: string,
  entries: readonly Entry[],
  now: Date,
  dedupe?: DedupeSettings,
  documents?: Documents,
  signal?: AbortSignal,
): Promise<IngestCounts> {
  return storeBatches(store, source, [entries], now, dedupe, documents, signal);
}

/** What a feed calls itself and its site: a source without a `title:` is shown by the first (issue 20). */
function feedNames(feed: FeedMeta): { feedTitle?: string; feedLink?: string } {
  const title =
    feed.title &&
    (feed.title.type === 'html' ? htmlToText(feed.title.value) : collapseWhitespace(safeText(feed.title.value)));
  const link = canonicalUrl(feed.link && safeText(feed.link));
  return { feedTitle: title ? truncateAtWord(title, 200) : undefined, feedLink: link };
}

function warningsOf(source: Source, feed: FeedMeta): string[] {
  const prefix = source.type === 'seeds' ? '' : `${source.name}: `;
  return [
    ...(feed.bozo ? [`${source.name}: the document was ill-formed and was read leniently (${feed.bozo})`] : []),
    ...feed.warnings.map((w) => `${prefix}${w}`),
  ];
}

/** A feed served as something that says "not a document" (application/octet-stream) is read, and that is said. */
function mediaTypeWarnings(source: Source, doc: FeedDocument, feed: FeedMeta): string[] {
  const type = doc.contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/octet-stream'
    ? [`${source.name}: served as ${type}, read as ${feed.format} ${feed.version} (a feed is served as XML or JSON)`]
    : [];
}

/** What one source's refresh did. */
type Outcome = Pick<
  RefreshResult,
  | 'new'
  | 'updated'
  | 'unchanged'
  | 'keptOut'
  | 'deleted'
  | 'undated'
  | 'leftOutByRules'
  | 'fullText'
  | 'refused'
  | 'warnings'
  | 'notModified'
  | 'skipped'
>;

/** One warning per refresh of a source that brought entries without a date, saying what date they got. */
function undatedWarning(source: Source, feed: FeedMeta, undated: number): string[] {
  if (!undated) return [];
  const by = feed.updated
    ? `the feed's own date (${feed.updated.toISOString()})`
    : 'the time they were first seen (the feed has no date either)';
  return [
    `${source.name}: ${undated} ${undated === 1 ? 'entry has' : 'entries have'} no date: dated by ${by}, a second apart in the feed's order`,
  ];
}

/**
 * A seed document deleted from its folder takes its article with it (no tombstone: a file put back
 * comes back). `present` is every document in the folder now, refused ones included.
 */
async function deleteVanishedSeeds(
  source: Source,
  present: readonly string[],
  deps: RefreshDeps,
  now: Date,
): Promise<number> {
  const here = new Set(present);
  const gone = Object.keys(await deps.store.rawHashes(source.name)).filter((identity) => !here.has(identity));
  return gone.length
    ? deps.store.deleteArticles(
        gone.map((identity) => articleId(source.name, identity)),
        now,
        false,
      )
    : 0;
}

/** Extracted articles by link, one cache per store (so per process): shared by every source and refresh. */
const fullTextCaches = new WeakMap<Store, FullTextCache>();

/**
 * Full text for a feed source's entries: each link fetched like the feed (its host's places, the
 * private-network guard, the source's options, its credentials only on the feed's own origin),
 * extracted and finished by the workers.
 */
async function withFullTexts(
  source: FeedSource,
  entries: Entry[],
  deps: RefreshDeps,
  perTick = source.fullText?.perTick ?? 0,
): Promise<{ entries: Entry[]; counts?: FullTextCounts; failures: string[]; fetched: number }> {
  if (!source.fullText || !entries.length) return { entries, failures: [], fetched: 0 };
  let cache = fullTextCaches.get(deps.store);
  if (!cache) fullTextCaches.set(deps.store, (cache = new FullTextCache()));
  const own = fetchDepsOf(deps.config, source);
  const feedOrigin = new URL(source.url).origin;
  const options = { selector: source.fullText.selector };
  return addFullTexts(entries, {
    cache,
    perTick,
    stored: (link) => deps.store.contentByLink(link, source.name),
    fetchPage: (url) =>
      withHostPlace(url, deps, () =>
        fetchFeed(
          { url, accept: HTML_ACCEPT },
          {
            ...own,
            headers: new URL(url).origin === feedOrigin ? own.headers : {},
            now: deps.now,
            signal: deps.signal,
            ...deps.fetch,
          },
        ),
      ),
    extract: (page) => deps.work.run<string>([stage('extractArticle', options)], page, transferable(page.bytes)),
    finish: (entry, content) => deps.work.run<Entry>([stage('withFullText')], { entry, content }),
  });
}

/** What the steps between normalizing and storing did to a source's entries, summed over its batches. */
interface Sifted {
  refused: Refusal[];
  leftOut: number;
  undated: number;
  fullText?: FullTextCounts;
  failures: string[];
}

/**
 * The entries to store, batch by batch: the keep and block rules after normalizing (a blocked entry
 * is never stored), then full text (a blocked entry is never fetched; at most the source's perTick
 * pages in all its batches), before dedupe and the store. What each step did is summed in `sifted`.
 */
async function* keptBatches(
  batches: AsyncIterable<Normalized>,
  source: Source,
  deps: RefreshDeps,
  now: Date,
  sifted: Sifted,
): AsyncGenerator<Entry[]> {
  const rules = rulesOf(deps.config, source);
  let fetched = 0;
  for await (const batch of batches) {
    sifted.refused.push(...batch.refused);
    const { kept, leftOut } = applyRules(batch.entries, rules, now);
    sifted.leftOut += leftOut;
    let entries = kept;
    if (source.type === 'feed' && source.fullText) {
      const full = await withFullTexts(source, kept, deps, source.fullText.perTick - fetched);
      entries = full.entries;
      fetched += full.fetched;
      sifted.failures.push(...full.failures);
      sifted.fullText = sumCounts(sifted.fullText, full.counts);
    }
    sifted.undated += entries.filter((e) => e.undated).length;
    yield entries;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const sumCounts = (a: FullTextCounts | undefined, b: FullTextCounts | undefined): FullTextCounts | undefined =>
  a && b
    ? {
        extracted: a.extracted + b.extracted,
        reused: a.reused + b.reused,
        failed: a.failed + b.failed,
        deferred: a.deferred + b.deferred,
      }
    : (a ?? b);

async function ingestSource(source: Source, deps: RefreshDeps, now: Date): Promise<Outcome> {
  const nothing = { new: 0, updated: 0, unchanged: 0, refused: [], warnings: [] };
  await deps.store.upsertSource(
    { name: source.name, type: source.type, location: sourceLocation(source) },
    now,
    deps.config.sources.indexOf(source),
  );
  const input = await readSource(source, deps, now);
  if (input.kind === 'skipped') return { ...nothing, skipped: input.reason };
  if (input.kind === 'not modified') {
    await deps.store.recordSuccess(source.name, now, input.success);
    return { ...nothing, notModified: true };
  }
  const options = normalizeOptions(source, deps, now);
  const parsed = await parseDocument(input, source, deps, options);
  if (parsed === 'same bytes') {
    await deps.store.recordSuccess(source.name, now, {
      ...(input.kind === 'document' ? input.success : {}),
      normalizer: options.normalizer,
    });
    return { ...nothing, notModified: true };
  }
  const { feed, unchanged } = parsed;
  // A folder whose every document was refused has not been read: a failure, not a success.
  if (feed.refused.length && !parsed.done.length && !parsed.todo.length && !unchanged) {
    const [first] = feed.refused;
    throw new InputError(
      `every one of its ${feed.refused.length} document${feed.refused.length === 1 ? ' was' : 's was'} refused (${first!.file}: ${first!.reason})`,
    );
  }
  const sifted: Sifted = { refused: [], leftOut: 0, undated: 0, failures: [] };
  const documents = feed.documents && { stamps: feed.documents.stamps, key: input.stampKey };
  const kept = keptBatches(normalizedBatches(parsed, deps, options), source, deps, now, sifted);
  // Full text asks the store what other sources extracted: it cannot run inside the transaction,
  // so a full-text source's batches (its newest maxItems at most) are all made before it opens.
  const batches = source.type === 'feed' && source.fullText ? await collect(kept) : kept;
  const counts = await storeBatches(deps.store, source.name, batches, now, deps.config.dedupe, documents, deps.signal);
  const { refused, leftOut, undated } = sifted;
  // Validators are recorded only once the entries are stored: a failed ingest is fetched again in full.
  const names = feedNames(feed);
  const read =
    input.kind === 'document'
      ? { ...input.success, ttlMinutes: feed.ttlMinutes, skipHours: feed.skipHours, skipDays: feed.skipDays, ...names }
      : names;
  const success = { ...read, leftOutByRules: leftOut, normalizer: options.normalizer };
  await deps.store.recordSuccess(source.name, now, success);
  const deleted = feed.documents?.present ? await deleteVanishedSeeds(source, feed.documents.present, deps, now) : 0;
  const fullText = sifted.fullText ? { fullText: sifted.fullText } : {};
  const warnings = [
    ...warningsOf(source, feed),
    ...undatedWarning(source, feed, undated),
    ...(input.kind === 'document' ? mediaTypeWarnings(source, input.doc, feed) : []),
    ...sifted.failures.map((f) => `${source.name}: ${f}`),
  ];
  return {
    ...counts,
    ...(deleted ? { deleted } : {}),
    ...(undated ? { undated } : {}),
    unchanged: counts.unchanged + unchanged,
    ...(leftOut ? { leftOutByRules: leftOut } : {}),
    ...fullText,
    refused,
    warnings,
  };
}

/** An article as stored, as an entry to store again (its text from its content). */
function entryOf({ id: _id, source: _source, ...article }: Article): Entry {
  return { ...article, text: textOfSanitized(article.content) };
}

/** How many stored articles `refresh --full-text` reads, newest first. */
const FULL_TEXT_BACKLOG = 1000;

/**
 * tidings refresh --full-text NAME: full text for the articles a feed source has stored already
 * (its newest 1,000, asked for by hand: perTick does not apply), stored as edits; counted as a
 * refresh is. Pages already extracted by this process are not fetched again.
 */
export async function refreshFullTexts(source: FeedSource, deps: RefreshDeps): Promise<RefreshResult> {
  const now = deps.now?.() ?? new Date();
  const stored = (await deps.store.articles({ source: source.name, limit: FULL_TEXT_BACKLOG })).map(entryOf);
  const settings = { selector: source.fullText?.selector, perTick: FULL_TEXT_BACKLOG };
  const full = await withFullTexts({ ...source, fullText: settings }, stored, deps);
  const changed = full.entries.filter((e, i) => e.contentHash !== stored[i]!.contentHash);
  const counts = await storeEntries(deps.store, source.name, changed, now, deps.config.dedupe, undefined, deps.signal);
  const warnings = full.failures.map((f) => `${source.name}: ${f}`);
  for (const w of warnings) deps.log.warn({ source: source.name }, w);
  return {
    source: source.name,
    ok: true,
    ...counts,
    unchanged: stored.length - changed.length,
    refused: [],
    warnings,
    fullText: full.counts,
  };
}

export async function refreshSource(source: Source, deps: RefreshDeps): Promise<RefreshResult> {
  const now = deps.now?.() ?? new Date();
  const started = performance.now();
  let result: RefreshResult;
  try {
    const outcome = await ingestSource(source, deps, now);
    result = { source: source.name, ok: outcome.refused.length === 0, ...outcome };
  } catch (err) {
    const error = errorMessage(err);
    result = { source: source.name, ok: false, new: 0, updated: 0, unchanged: 0, refused: [], warnings: [], error };
    // A fetch stopped by shutdown says nothing about the source.
    if (!deps.signal?.aborted)
      await deps.store.recordFailure(source.name, now, { error, ...(err instanceof FetchError ? err.details : {}) });
    deps.log.error({ source: source.name }, `${source.name}: ${error}`);
  }
  for (const w of result.warnings) deps.log.warn({ source: source.name }, w);
  for (const r of result.refused)
    deps.log.warn({ source: source.name, file: r.file }, `${r.file}: refused: ${r.reason}`);
  return { ...result, durationMs: performance.now() - started };
}
