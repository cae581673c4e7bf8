// refreshSource: the one place that runs every stage, in pipeline order, for one source.
// read or fetch → parse → normalize → store; the outcome is recorded on the source.
import { readFileSync, statSync } from 'node:fs';
import { sourceLocation, sourcePath } from './config/load-config.js';
import type { Config, FeedSource, FileSource, SeedsSource, Source } from './config/schema.js';
import { errorMessage, FetchError, InputError } from './errors.js';
import { documentOf, fetchFeed, type FetchDeps } from './ingest/fetch.js';
import { listSeedFiles, readSeedFile } from './ingest/seeds.js';
import type { Logger } from './log.js';
import type { Entry, RefreshResult } from './model.js';
import { toTags } from './normalize/tags.js';
import { parsePool, type ParsedFeed } from './normalize/worker-pool.js';
import type { FeedDocument } from './parse/parse-feed.js';
import type { SuccessRecord } from './store/fetch-state.js';
import type { Store } from './store/store.js';
import { VERSION } from './version.js';

export interface RefreshDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => Date;
  /** Injectable DNS and limits for the HTTP client. */
  fetch?: Partial<Omit<FetchDeps, 'userAgent'>>;
  /** Stops starting sources and aborts fetches in flight (shutdown). */
  signal?: AbortSignal;
}

type Result = RefreshResult;

function newResult(source: string): Result {
  return { source, ok: true, new: 0, updated: 0, unchanged: 0, refused: [], warnings: [] };
}

/** The source's configured tags go on every article, after its own. */
function withSourceTags(entry: Entry, tags: readonly string[], aliases: Readonly<Record<string, string>>): Entry {
  return { ...entry, tags: toTags([...entry.tags.map((t) => t.label), ...tags], aliases) };
}

function readSeeds(source: SeedsSource, deps: RefreshDeps, result: Result): Entry[] {
  const dir = sourcePath(deps.config, source.path);
  let files: string[];
  try {
    files = listSeedFiles(dir);
  } catch (err) {
    throw new InputError(`${dir}: cannot read the seed folder (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const entries: Entry[] = [];
  for (const file of files) {
    try {
      const parsed = readSeedFile(dir, file, source);
      result.warnings.push(...parsed.warnings);
      entries.push(withSourceTags(parsed.entry, source.tags, deps.config.tagAliases));
    } catch (err) {
      result.refused.push({ file: `${dir}/${file}`, reason: errorMessage(err).replace(`${dir}/${file}: `, '') });
    }
  }
  return entries;
}

/** Parses and normalizes off the main thread; entries come back oldest first. */
async function feedEntries(bytes: Uint8Array, doc: FeedDocument, source: FeedSource | FileSource, deps: RefreshDeps, now: Date, result: Result): Promise<{ feed: ParsedFeed['feed']; entries: Entry[] }> {
  const { feed, entries, unchanged } = await parsePool().parse(
    bytes,
    { ...doc, timezone: source.timezone },
    {
      now,
      tags: source.tags,
      maxItems: source.maxItems,
      trackingParams: deps.config.trackingParams,
      tagAliases: deps.config.tagAliases,
      known: deps.store.rawHashes(source.name),
    },
  );
  result.unchanged += unchanged;
  if (feed.bozo) result.warnings.push(`${source.name}: the document was ill-formed and was read leniently (${feed.bozo})`);
  result.warnings.push(...feed.warnings.map((w) => `${source.name}: ${w}`));
  // Oldest first, so that insertion order follows publication order.
  return { feed, entries: entries.sort((a, b) => a.published.getTime() - b.published.getTime()) };
}

async function readFile(source: FileSource, deps: RefreshDeps, now: Date, result: Result): Promise<Entry[]> {
  const path = sourcePath(deps.config, source.path);
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > deps.config.fetch.maxBodySize) throw new InputError(`${path}: larger than the ${deps.config.fetch.maxBodySize} byte limit`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: cannot read the feed file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  try {
    return (await feedEntries(bytes, {}, source, deps, now, result)).entries;
  } catch (err) {
    throw new InputError(`${path}: ${errorMessage(err)}`);
  }
}

function cacheUntil(headers: Record<string, string | undefined>, now: Date): Date | undefined {
  const maxAge = /(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)/i.exec(headers.cacheControl ?? '');
  if (maxAge) return new Date(now.getTime() + Number(maxAge[1]) * 1000);
  const expires = headers.expires ? Date.parse(headers.expires) : NaN;
  return Number.isFinite(expires) ? new Date(expires) : undefined;
}

/** Entries to store, and the fetch outcome to record once they are stored. */
interface Fetched {
  entries: Entry[];
  success?: SuccessRecord;
}

async function fetchRemote(source: FeedSource, deps: RefreshDeps, now: Date, result: Result): Promise<Fetched | undefined> {
  const state = deps.store.fetchStates.get(source.name)!;
  if (state.gone) {
    result.skipped = `gone: the server answered 410 at ${state.lastCheck?.toISOString() ?? 'the last check'}; run "tidings sources enable ${source.name}" to fetch it again`;
    return undefined;
  }
  if (state.nextFetch && state.nextFetch > now) {
    result.skipped = `the server asked to wait until ${state.nextFetch.toISOString()}`;
    return undefined;
  }
  const f = deps.config.fetch;
  const response = await fetchFeed(
    { url: state.url, etag: state.etag, lastModified: state.lastModified },
    {
      userAgent: `Tidings/${VERSION} (+${deps.config.site.baseUrl})`,
      limits: { timeoutMs: f.timeout * 1000, connectTimeoutMs: f.connectTimeout * 1000, maxBytes: f.maxBodySize, maxRedirects: f.maxRedirects, allowPrivateNetworks: f.allowPrivateNetworks },
      now: deps.now,
      signal: deps.signal,
      ...deps.fetch,
    },
  );
  if (response.movedTo) deps.log.info({ source: source.name, url: response.movedTo }, `${source.name}: moved permanently to ${response.movedTo}`);
  const success: SuccessRecord = {
    status: response.status,
    etag: response.headers.etag,
    lastModified: response.headers.lastModified,
    movedTo: response.movedTo,
    cacheUntil: cacheUntil(response.headers, now),
  };
  if (response.status === 304) {
    result.notModified = true;
    return { entries: [], success };
  }
  const { feed, entries } = await feedEntries(response.body!, documentOf(response), source, deps, now, result);
  // Validators are recorded only once the entries are stored: a failed ingest is fetched again in full.
  return { entries, success: { ...success, ttlMinutes: feed.ttlMinutes, skipHours: feed.skipHours, skipDays: feed.skipDays } };
}

export async function refreshSource(source: Source, deps: RefreshDeps): Promise<Result> {
  const now = deps.now?.() ?? new Date();
  const started = performance.now();
  const result = newResult(source.name);
  try {
    deps.store.upsertSource({ name: source.name, type: source.type, location: sourceLocation(source) }, now, deps.config.sources.indexOf(source));
    const fetched: Fetched | undefined =
      source.type === 'seeds' ? { entries: readSeeds(source, deps, result) }
      : source.type === 'file' ? { entries: await readFile(source, deps, now, result) }
      : await fetchRemote(source, deps, now, result);
    if (fetched) {
      const counts = deps.store.ingest(source.name, fetched.entries, now, deps.config.dedupe);
      result.new += counts.new;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
      deps.store.fetchStates.recordSuccess(source.name, now, fetched.success ?? {});
    }
  } catch (err) {
    result.ok = false;
    result.error = errorMessage(err);
    // A fetch stopped by shutdown says nothing about the source.
    if (!deps.signal?.aborted) deps.store.fetchStates.recordFailure(source.name, now, { error: result.error, ...(err instanceof FetchError ? err.details : {}) });
    deps.log.error({ source: source.name }, `${source.name}: ${result.error}`);
  }
  for (const w of result.warnings) deps.log.warn({ source: source.name }, w);
  for (const r of result.refused) deps.log.warn({ source: source.name, file: r.file }, `${r.file}: refused: ${r.reason}`);
  if (result.refused.length) result.ok = false;
  result.durationMs = performance.now() - started;
  return result;
}

/** The host a source is fetched from, for the per-host limit; local sources each count alone. */
function hostOf(source: Source): string {
  if (source.type !== 'feed') return `local:${source.name}`;
  try {
    return new URL(source.url).host;
  } catch {
    return source.url;
  }
}

/**
 * Refreshes every source (or the named ones), `fetch.concurrency` at once and `fetch.perHost` per
 * host. One failure never stops the others. Results come back in configuration order.
 */
export interface RefreshAllOptions {
  names?: string[];
  onResult?: (r: Result) => void;
  /** Milliseconds to wait before starting a source, to spread fetches over time. */
  startDelay?: (source: Source) => number;
}

export async function refreshAll(deps: RefreshDeps, options: RefreshAllOptions = {}): Promise<Result[]> {
  const { names, onResult, startDelay } = options;
  const sources = names ? deps.config.sources.filter((s) => names.includes(s.name)) : deps.config.sources;
  const { concurrency, perHost } = deps.config.fetch;
  const results: Result[] = [];
  const busy = new Map<string, number>();
  let running = 0;
  const waiting = sources.map((source, index) => ({ source, index, host: hostOf(source) }));
  await new Promise<void>((done) => {
    const pump = () => {
      if (deps.signal?.aborted) waiting.length = 0;
      if (!waiting.length && running === 0) return done();
      for (let i = 0; i < waiting.length && running < concurrency; ) {
        const job = waiting[i]!;
        if ((busy.get(job.host) ?? 0) >= perHost) {
          i += 1;
          continue;
        }
        waiting.splice(i, 1);
        running += 1;
        busy.set(job.host, (busy.get(job.host) ?? 0) + 1);
        const delay = startDelay?.(job.source) ?? 0;
        const wait = delay > 0 ? new Promise<void>((ok) => setTimeout(ok, delay)) : Promise.resolve();
        void wait.then(() => refreshSource(job.source, deps)).then((r) => {
          results[job.index] = r;
          onResult?.(r);
          running -= 1;
          busy.set(job.host, busy.get(job.host)! - 1);
          pump();
        });
      }
    };
    pump();
  });
  deps.store.flushSearch();
  return results.filter(Boolean);
}

export class BusyError extends Error {}

const LEASE = 'refresh';
const LEASE_TTL = 60_000;

/**
 * refreshAll under the refresh lease, so that the daemon and `tidings refresh` never ingest at the
 * same time. Waits up to `waitMs` for the lease, then throws BusyError naming who holds it.
 */
export async function refreshWithLease(deps: RefreshDeps, holder: string, waitMs: number, options: RefreshAllOptions = {}): Promise<Result[]> {
  const leases = deps.store.leases;
  const clock = () => deps.now?.() ?? new Date();
  const deadline = Date.now() + waitMs;
  while (!leases.acquire(LEASE, holder, LEASE_TTL, clock())) {
    if (Date.now() >= deadline) {
      const other = leases.holderOf(LEASE, clock());
      throw new BusyError(`another refresh is running (${other?.holder ?? 'unknown'}, pid ${other?.pid ?? '?'}); try again later or pass --wait SECONDS`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const renew = setInterval(() => leases.renew(LEASE, holder, LEASE_TTL, clock()), LEASE_TTL / 3);
  try {
    return await refreshAll(deps, options);
  } finally {
    clearInterval(renew);
    leases.release(LEASE, holder);
  }
}
