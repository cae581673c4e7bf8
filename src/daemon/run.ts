// `tidings serve` and `tidings worker`: wiring only. The configuration and the store, then the
// parts: following changes (the site's cache), watching the configuration, presence (the daemon
// lease), the scheduler with its after-refresh work, the HTTP server; a stop signal closes them in
// order. The store is what every process agrees on: the daemon follows its change sequence
// (whoever wrote), and its own configuration file (whoever edited it).
import pino from 'pino';
import pretty from 'pino-pretty';
import { colourWanted, type Paths } from '../config/paths.js';
import { errorMessage } from '../errors.js';
import { thisProcess } from '../lib/process.js';
import type { StopSignals } from '../lib/signals.js';
import type { Logger } from '../log.js';
import { followConfiguration } from '../removed-sources.js';
import { Scheduler } from '../scheduler.js';
import { Metrics } from '../serve/metrics.js';
import type { Listening } from '../serve/server.js';
import { SiteCache } from '../serve/site-cache.js';
import { renderPath } from '../site.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { WorkerPool } from '../work/pool.js';
import { AfterRefresh } from './after-refresh.js';
import { ChangeFollower } from './follow-changes.js';
import { Presence } from './presence.js';
import { serveSite, shortestInterval } from './serve-site.js';
import { LiveConfig, retagOnNewAliases } from './watch-config.js';

export interface DaemonOptions {
  paths: Paths;
  host?: string;
  port?: number;
  /** Where the listening address is announced. */
  out?: NodeJS.WritableStream;
  /** Stop signals caught since the process started; without them, this installs its own handlers. */
  signals?: StopSignals;
  /** Serve the site over HTTP (tidings serve). */
  serve: boolean;
  /** Refresh the sources on schedule (tidings serve, tidings worker). */
  ingest: boolean;
}

/** Shutdown gives up waiting after this, and the daemon ends with exit code 1. */
const SHUTDOWN_LIMIT = 9_000;
/** How long a shutdown waits for a start-up under way to reach a step where it stops. */
const STARTUP_WAIT = 3_000;

function newLogger(): Logger {
  // JSON lines for log collectors; readable lines on a terminal.
  return process.stdout.isTTY
    ? pino(
        { level: 'info' },
        pretty({ colorize: colourWanted(), translateTime: 'SYS:standard', ignore: 'pid,hostname' }),
      )
    : pino({ level: 'info' });
}

/** What start-up has opened so far, which a shutdown closes. */
interface Opened {
  log?: Logger;
  store?: Store;
  work?: WorkerPool;
  scheduler?: Scheduler;
  server?: Listening & { readerUrl: string };
  presence?: Presence;
  /** Parts that look at something now and then (the change sequence, the configuration file). */
  watchers: { stop(): void }[];
  /** Aborts the fetches in flight. */
  fetches: AbortController;
}

/**
 * Closes what is open, in order: no new look or tick; fetches in flight aborted; the server and the
 * workers closed (their sources fail, and are fetched again next time) while the refresh unwinds,
 * the commit under way included; then the lease, and the store last.
 */
async function close(opened: Opened): Promise<void> {
  for (const watcher of opened.watchers) watcher.stop();
  await opened.scheduler?.stop();
  opened.fetches.abort();
  await Promise.all([opened.server?.close(), opened.work?.close()]);
  await opened.scheduler?.idle();
  await opened.presence?.stop();
  await opened.store?.close();
}

/**
 * Runs until SIGTERM or SIGINT; resolves with the exit code (1 when a shutdown took too long: the
 * caller then ends the process, whatever is still open). Its roles: serving the site, refreshing the
 * sources, or both; any number of each can share one store.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  // Signals first: one that comes while the daemon starts stops it as surely as one that comes later.
  let exit!: (code: number) => void;
  const exited = new Promise<number>((ok) => (exit = ok));
  const opened: Opened = { watchers: [], fetches: new AbortController() };
  let stopping = false;
  let startup: Promise<void> | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const log = opened.log;
    log?.info({ signal }, `${signal}: shutting down`);
    const force = setTimeout(() => {
      log?.error({}, `shutdown took longer than ${SHUTDOWN_LIMIT / 1000} s; exiting`);
      exit(1);
    }, SHUTDOWN_LIMIT);
    try {
      // What start-up is opening is closed too: wait for it to get there (it stops at the next step).
      await Promise.race([startup?.catch(() => undefined), new Promise((ok) => setTimeout(ok, STARTUP_WAIT).unref())]);
      await close(opened);
      log?.info({}, 'stopped');
    } catch (err) {
      log?.error({}, `shutdown: ${errorMessage(err)}`);
    }
    clearTimeout(force);
    exit(0);
  };
  if (options.signals) options.signals.handle((signal) => void shutdown(signal));
  else for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));

  try {
    startup = start(options, opened, () => stopping);
    await startup;
  } catch (err) {
    // A signal during start-up closed what had been opened: that is a shutdown, not a failure.
    if (stopping) return exited;
    await close(opened).catch((e) => opened.log?.error({}, `closing after a failed start: ${errorMessage(e)}`));
    throw err;
  }
  return exited;
}

/** Opens the parts and starts them; returns early once `stopping()` says a shutdown began. */
async function start(options: DaemonOptions, opened: Opened, stopping: () => boolean): Promise<void> {
  const log = (opened.log = newLogger());
  const role = options.ingest && options.serve ? 'serve' : options.ingest ? 'worker' : 'serve --no-ingest';
  log.info({ config: options.paths.config, role }, `starting ${role} (pid ${process.pid})`);
  const live = new LiveConfig({ path: options.paths.config, log });
  const store = (opened.store = await openStore(options.paths.db));
  await followConfiguration(live.current, store, new Date());
  if (stopping()) return;
  const metrics = new Metrics();
  metrics.articles.set(await store.count('articles'));
  // Feeds link to site.baseUrl or, without one, to where this daemon listens (known once it does).
  const render = (path: string, limit?: number) =>
    renderPath({ config: live.current, store, log, listening: opened.server?.readerUrl, search: true }, path, limit);
  const cache = new SiteCache(render, live.current.server.cacheSize);
  const follower = new ChangeFollower({ store, cache, log });
  if (options.serve) {
    await follower.start();
    opened.watchers.push(follower);
  }
  const after = new AfterRefresh({
    store,
    metrics,
    log,
    config: () => live.current,
    listening: () => opened.server?.readerUrl,
  });
  if (options.ingest) {
    const work = (opened.work = new WorkerPool());
    opened.scheduler = new Scheduler({
      config: () => live.current,
      store,
      work,
      log,
      signal: opened.fetches.signal,
      // Each source's changes are served as soon as it has committed them, not at the end of the tick.
      onResult: (r) => void (r.new || r.updated ? follower.look() : undefined),
      onRefreshed: (results, seconds, started) => after.refreshed(results, seconds, started),
      daily: () => after.purge(),
    });
  }
  if (options.serve) {
    if (stopping()) return;
    const config = () => live.current;
    const site = {
      cache,
      metrics,
      log,
      maxAge: () => shortestInterval(config()),
      feedSize: () => config().site.itemsPerFeed,
      databaseOk: () => store.ping(),
      lastRefresh: () => after.last,
      refreshing: () => opened.scheduler?.current(),
    };
    opened.server = await serveSite(site, {
      config: config(),
      paths: options.paths,
      host: options.host,
      port: options.port,
      out: options.out ?? process.stdout,
    });
    cache.invalidate();
  }
  opened.presence = new Presence({
    store,
    log,
    holder: { name: `${options.ingest ? 'daemon' : 'server'}:${process.pid}`, ...thisProcess() },
  });
  await opened.presence.start();
  const apply = async (next: typeof live.current) => {
    cache.invalidate();
    await opened.scheduler?.restart();
    await followConfiguration(next, store, new Date());
    await store.noteChange();
  };
  await live.watch({ apply, afterReload: options.ingest ? retagOnNewAliases(store, log) : undefined });
  opened.watchers.push(live);
  if (stopping() || !opened.scheduler) return;
  opened.scheduler.start();
  if (live.current.refreshOnStart)
    void opened.scheduler.tick('startup').catch((err) => log.error({}, `refresh failed: ${errorMessage(err)}`));
}
