// Refreshing many sources: `fetch.concurrency` at once, `fetch.perHost` per host, each source
// claimed in the store by the process that refreshes it. Any number of processes (the daemon,
// `tidings refresh`, workers on other machines) can run on one store: a source is refreshed by one
// of them at a time, and one that another process fetched meanwhile is not fetched again.
import { sourceLocation } from './config/paths.js';
import type { Source } from './config/schema.js';
import { BusyError, errorMessage } from './errors.js';
import type { Holder, RefreshResult } from './model.js';
import { breakDeadClaims } from './claims/dead-claims.js';
import { claimUntil, holdingClaims } from './claims/hold-claims.js';
import { refreshSource, type RefreshDeps } from './refresh.js';
import type { Wanted } from './store/store.js';

export interface RefreshAllOptions {
  names?: string[];
  onResult?: (r: RefreshResult) => void;
  /** Milliseconds to wait before starting a source, to spread fetches over time. */
  startDelay?: (source: Source) => number;
  /**
   * Claims sources as their turn comes, and returns those claimed; a source not claimed is left
   * out. Without it the sources are refreshed unclaimed (they were claimed before, or this is a test).
   */
  claim?: (sources: Source[]) => Promise<Set<string>>;
  /** Lets go of a claimed source once it is refreshed. */
  release?: (source: Source) => Promise<void>;
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
 * Refreshes every source (or the named ones). One failure never stops the others. Results come
 * back in configuration order.
 */
export async function refreshAll(deps: RefreshDeps, options: RefreshAllOptions = {}): Promise<RefreshResult[]> {
  const { names, onResult, startDelay, claim, release } = options;
  const sources = names ? deps.config.sources.filter((s) => names.includes(s.name)) : deps.config.sources;
  const { concurrency, perHost } = deps.config.fetch;
  const results: RefreshResult[] = [];
  const busy = new Map<string, number>();
  let running = 0;
  const jobs = sources.map((source, index) => ({ source, index, host: hostOf(source) }));
  // A source's spread delay is slept before it queues for a place: sleeping never holds one of its
  // host's places (24 sources of one host, each sleeping in a place, once made a tick of 12 minutes).
  const waiting = jobs.filter((job) => !(startDelay?.(job.source) ?? 0));
  const sleeping = new Set(jobs.filter((job) => !waiting.includes(job)));
  await new Promise<void>((done) => {
    let pumping = false;
    let again = false;
    for (const job of sleeping) {
      void sleep(deps, startDelay!(job.source)).then(() => {
        if (!sleeping.delete(job)) return;
        const at = waiting.findIndex((w) => w.index > job.index);
        waiting.splice(at < 0 ? waiting.length : at, 0, job);
        void pump();
      });
    }
    // A shutdown drops the sleepers at once; the listener goes with this refresh (the signal outlives it).
    const dropSleepers = () => (sleeping.clear(), void pump());
    deps.signal?.addEventListener('abort', dropSleepers, { once: true });
    const run = async (job: (typeof waiting)[number]) => {
      const r = await refreshSource(job.source, deps);
      // A claim not let go runs out by itself (fetch.claimTimeout): said, and the refresh goes on.
      await release?.(job.source).catch((err) =>
        deps.log.error(
          { source: job.source.name, holder: deps.holder?.name },
          `${job.source.name}: cannot let go of its claim (${deps.holder?.name}): ${errorMessage(err)}`,
        ),
      );
      results[job.index] = r;
      onResult?.(r);
    };
    const finish = (job: (typeof waiting)[number]) => {
      running -= 1;
      busy.set(job.host, busy.get(job.host)! - 1);
      void pump();
    };
    // The jobs that may start now (free slots, hosts under their limit) are claimed in one batch.
    const pump = async () => {
      if (pumping) return void (again = true);
      pumping = true;
      do {
        again = false;
        if (deps.signal?.aborted) (waiting.length = 0), sleeping.clear();
        const batch: (typeof waiting)[number][] = [];
        const planned = new Map(busy);
        for (let i = 0; i < waiting.length && running + batch.length < concurrency; ) {
          const job = waiting[i]!;
          if ((planned.get(job.host) ?? 0) >= perHost) {
            i += 1;
            continue;
          }
          waiting.splice(i, 1);
          planned.set(job.host, (planned.get(job.host) ?? 0) + 1);
          batch.push(job);
        }
        const claimed =
          claim && batch.length
            ? await claimOrNone(
                deps,
                claim,
                batch.map((j) => j.source),
              )
            : undefined;
        for (const job of batch) {
          // Another process has it: left to that one, and its place goes to the next job.
          if (claimed && !claimed.has(job.source.name)) {
            again = true;
            continue;
          }
          running += 1;
          busy.set(job.host, (busy.get(job.host) ?? 0) + 1);
          void run(job).finally(() => finish(job));
        }
      } while (again);
      pumping = false;
      if (waiting.length || sleeping.size || running) return;
      deps.signal?.removeEventListener('abort', dropSleepers);
      done();
    };
    void pump();
  });
  await deps.store.flushSearch();
  return results.filter(Boolean);
}

/** The sources `claim` claims; none when it fails (they are left for the next tick), which is logged. */
async function claimOrNone(
  deps: RefreshDeps,
  claim: (sources: Source[]) => Promise<Set<string>>,
  sources: Source[],
): Promise<Set<string>> {
  try {
    return await claim(sources);
  } catch (err) {
    const names = sources.map((s) => s.name).join(', ');
    deps.log.error(
      { sources: names, holder: deps.holder?.name },
      `cannot claim ${names} (${deps.holder?.name}), left for the next tick: ${errorMessage(err)}`,
    );
    return new Set();
  }
}

/** Waits `ms` on the deps' clock (a shutdown drops the sleepers at once: see refreshAll). */
function sleep(deps: RefreshDeps, ms: number): Promise<void> {
  return deps.wait ? deps.wait(ms) : new Promise<void>((ok) => setTimeout(ok, ms).unref());
}

const clockOf = (deps: RefreshDeps) => () => deps.now?.() ?? new Date();

/** The sources' rows, which claims are made on (a source added to the configuration has none yet). */
function register(deps: RefreshDeps, sources: readonly Source[]): Promise<unknown> {
  const now = clockOf(deps)();
  return Promise.all(
    sources.map((s) =>
      deps.store.upsertSource(
        { name: s.name, type: s.type, location: sourceLocation(s) },
        now,
        deps.config.sources.indexOf(s),
      ),
    ),
  );
}

/**
 * `tidings refresh`: every source, or the named ones, now, due or not. Each is claimed first; one
 * that another process is refreshing is waited for up to `waitMs`, then this throws BusyError
 * naming that process (nothing is refreshed). A claim left by a killed process on this host is
 * taken over at once.
 */
export async function refreshNow(
  deps: RefreshDeps & { holder: Holder },
  waitMs: number,
  options: RefreshAllOptions = {},
): Promise<RefreshResult[]> {
  const { store, holder } = deps;
  const clock = clockOf(deps);
  const sources = options.names
    ? deps.config.sources.filter((s) => options.names!.includes(s.name))
    : deps.config.sources;
  await register(deps, sources);
  const deadline = Date.now() + waitMs;
  const held = new Set<string>();
  for (;;) {
    const wanted: Wanted[] = sources.filter((s) => !held.has(s.name)).map((s) => ({ name: s.name }));
    for (const name of await store.claimSources(holder, wanted, wanted.length, claimUntil(deps), clock()))
      held.add(name);
    const missing = sources.filter((s) => !held.has(s.name)).map((s) => s.name);
    if (!missing.length) break;
    if (await breakDeadClaims(deps, missing)) continue;
    if (Date.now() >= deadline) {
      for (const name of held) await store.releaseClaim(name, holder.name);
      const other = (await store.claimsOn(missing, clock()))[0]?.holder;
      throw new BusyError(
        `another refresh is running (${other?.name ?? 'unknown'}, pid ${other?.pid ?? '?'}); try again later or pass --wait SECONDS`,
      );
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return holdingClaims(deps, () =>
    refreshAll(deps, { ...options, release: (s) => store.releaseClaim(s.name, holder.name) }),
  );
}

/**
 * The scheduler's refresh: the due sources, with their last checks as the scheduler saw them. Each
 * is claimed as its turn comes, in batches; one that another process holds, or fetched meanwhile,
 * is left to it.
 */
export async function refreshDue(
  deps: RefreshDeps & { holder: Holder },
  due: ReadonlyMap<string, Date | null>,
  options: RefreshAllOptions = {},
): Promise<RefreshResult[]> {
  const { store, holder } = deps;
  const clock = clockOf(deps);
  await register(
    deps,
    deps.config.sources.filter((s) => due.has(s.name)),
  );
  await breakDeadClaims(deps, [...due.keys()]);
  const claim = async (batch: Source[]) => {
    const wanted = batch.map((s) => ({ name: s.name, lastCheck: due.get(s.name) ?? null }));
    return new Set(await store.claimSources(holder, wanted, wanted.length, claimUntil(deps), clock()));
  };
  return holdingClaims(deps, () =>
    refreshAll(deps, {
      ...options,
      names: [...due.keys()],
      claim,
      release: (s) => store.releaseClaim(s.name, holder.name),
    }),
  );
}
