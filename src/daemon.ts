// `tidings serve`: wiring only. loadConfig → openStore → HTTP server + scheduler; signals. The
// store is what every process agrees on: the daemon follows its change sequence (whoever wrote),
// and its own configuration file (whoever edited it).
import { stat } from 'node:fs/promises';
import pino from 'pino';
import pretty from 'pino-pretty';
import { readConfig } from './config/cached-config.js';
import { collectGarbage } from './lib/collect-garbage.js';
import { colourWanted, serverAddress, type Paths } from './config/paths.js';
import { siteBaseUrl, type Config } from './config/schema.js';
import { cronInterval } from './due.js';
import { errorMessage, UsageError } from './errors.js';
import { thisProcess } from './lib/process.js';
import type { StopSignals } from './lib/signals.js';
import type { Logger } from './log.js';
import type { Changes, RefreshResult } from './model.js';
import { FEED_FORMATS } from './publish/feeds.js';
import { pingHubs } from './publish/websub.js';
import { Scheduler } from './scheduler.js';
import { Metrics } from './serve/metrics.js';
import { createHandler, listen, type LastRefresh, type Listening } from './serve/server.js';
import { SiteCache } from './serve/site-cache.js';
import { retagStored } from './refresh.js';
import { renderPath } from './site.js';
import { checkRules } from './rules/rules.js';
import { followConfiguration, purgeRemovedSources } from './removed-sources.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { WorkerPool } from './work/pool.js';
import { plural } from './lib/plural.js';

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

/** The lease a running daemon holds, so that other processes can say that it will see their changes. */
export const DAEMON_LEASE = 'daemon';
const PRESENCE_TTL = 60_000;
/** How often the change sequence and the configuration file are looked at. */
const WATCH_EVERY = 250;
/** How often the change sequence is looked at when the store also says when it moves. */
const FALLBACK_EVERY = 2_000;
/** Shutdown gives up waiting and exits after this. */
const SHUTDOWN_LIMIT = 9_000;

function newLogger() {
  // JSON lines for log collectors; readable lines on a terminal.
  return process.stdout.isTTY ? pino({ level: 'info' }, pretty({ colorize: colourWanted(), translateTime: 'SYS:standard', ignore: 'pid,hostname' })) : pino({ level: 'info' });
}

/** The shortest interval at which any feed can change, for Cache-Control max-age. */
function shortestInterval(config: Config): number {
  const schedules = [config.schedule, ...config.sources.flatMap((s) => (s.schedule ? [s.schedule] : []))];
  return Math.max(60, Math.min(...schedules.map((s) => cronInterval(s))));
}

/** The pages that show sources' fetch status: what a recorded fetch outcome changes. */
const showsStatus = (path: string) => path === 'sources.html' || (path.startsWith('sources/') && path.endsWith('.html'));

/** The address a reader reaches a listening server at: a wildcard address is this machine's name for itself. */
function readerUrl(url: string): string {
  return url.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:)/, 'http://localhost');
}

/**
 * Whether a configured baseUrl is somewhere else than where this daemon listens: feeds then link
 * there, which is right behind a proxy and wrong when the port was changed and the file was not.
 */
export function baseUrlDiffers(baseUrl: string, listening: string): boolean {
  const loopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  const a = new URL(baseUrl);
  const b = new URL(listening);
  const sameHost = a.hostname === b.hostname || (loopback(a.hostname) && loopback(b.hostname));
  return !(sameHost && a.protocol === b.protocol && (a.port || '80') === (b.port || '80') && (a.pathname === '/' || a.pathname === ''));
}

async function listenOrExplain(handler: ReturnType<typeof createHandler>, host: string, port: number): Promise<Listening> {
  try {
    return await listen(handler, host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`cannot listen on ${host}:${port}: the port is in use (another tidings serve?); pass --port N or set PORT, or server.port in the configuration`);
    if (code === 'EACCES') throw new UsageError(`cannot listen on ${host}:${port}: not allowed (ports below 1024 need privileges); pass --port N or set PORT`);
    throw err;
  }
}

/**
 * Runs until SIGTERM or SIGINT; resolves with the exit code. Its roles: serving the site, refreshing
 * the sources, or both; any number of each can share one store.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  // Signals first: one that comes while the daemon starts stops it as surely as one that comes later.
  let exit!: (code: number) => void;
  const exited = new Promise<number>((ok) => (exit = ok));
  let stopping = false;
  const parts: { store?: Store; work?: WorkerPool; scheduler?: Scheduler; server?: Listening; timers: NodeJS.Timeout[]; controller: AbortController; log?: Logger; holder: string } = {
    timers: [],
    controller: new AbortController(),
    holder: `${options.ingest ? 'daemon' : 'server'}:${process.pid}`,
  };
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const log = parts.log;
    log?.info({ signal }, `${signal}: shutting down`);
    const force = setTimeout(() => {
      log?.error({}, `shutdown took longer than ${SHUTDOWN_LIMIT / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_LIMIT);
    force.unref();
    try {
      // What start-up is opening is closed too: wait for it to get there (it stops at the next step).
      await Promise.race([startup?.catch(() => undefined), new Promise((ok) => setTimeout(ok, 3000).unref())]);
      for (const t of parts.timers) clearInterval(t);
      await parts.scheduler?.stop();
      parts.controller.abort();
      // Workers in flight are stopped (their sources fail, and are fetched again next time); the
      // refresh then unwinds, the commit under way included, and the store closes last.
      await Promise.all([parts.server?.close(), parts.work?.close()]);
      await parts.scheduler?.idle();
      await parts.store?.releaseLease(DAEMON_LEASE, parts.holder);
      await parts.store?.close();
      log?.info({}, 'stopped');
    } catch (err) {
      log?.error({}, `shutdown: ${errorMessage(err)}`);
    }
    clearTimeout(force);
    // Stopped: whatever handle is still open (a socket a server never answered on) cannot keep the
    // process past the 10 s promised (the trial's exited 21 s after "stopped").
    setTimeout(() => process.exit(0), 500).unref();
    exit(0);
  };
  if (options.signals) options.signals.handle((signal) => void shutdown(signal));
  else for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal));

  let startup: Promise<void> | undefined;
  try {
    startup = start();
    await startup;
  } catch (err) {
    // A signal during start-up closed what had been opened: that is a shutdown, not a failure.
    if (stopping) return exited;
    throw err;
  }
  return exited;

  async function start(): Promise<void> {
    const log: Logger = newLogger();
    parts.log = log;
    const role = options.ingest && options.serve ? 'serve' : options.ingest ? 'worker' : 'serve --no-ingest';
    log.info({ config: options.paths.config, role }, `starting ${role} (pid ${process.pid})`);
    let config = checkRules(await readConfig(options.paths.config));
    const store = await openStore(options.paths.db);
    parts.store = store;
    await followConfiguration(config, store, new Date());
    if (stopping) return;
    const metrics = new Metrics();
    metrics.articles.set(await store.count('articles'));
    // Feeds link to site.baseUrl or, without one, to where this daemon listens (known once it does).
    let listening: string | undefined;
    const render = () => (path: string, limit?: number) => renderPath({ config, store, log, listening, search: true }, path, limit);
    const cache = new SiteCache(render(), config.server.cacheSize);
    let maxAge = shortestInterval(config);
    let lastRefresh: LastRefresh | undefined;

    // The change sequence, whoever moved it: this process's ingest, a CLI refresh, another worker,
    // a purge, an enable.
    let seen: Changes = await store.changes();
    let looking = false;
    const follow = async () => {
      if (looking || stopping) return;
      looking = true;
      try {
        const now = await store.changes();
        if (now.seq !== seen.seq) cache.invalidate();
        else if (now.checked !== seen.checked) cache.invalidate(showsStatus);
        seen = now;
      } catch (err) {
        log.error({}, `cannot read the change sequence: ${errorMessage(err)}`);
      } finally {
        looking = false;
      }
    };

    let scheduler: Scheduler | undefined;
    if (options.ingest) {
      const work = new WorkerPool();
      parts.work = work;
      const onRefreshed = async (results: RefreshResult[], seconds: number, started: Date) => {
        const failed = results.filter((r) => !r.ok).length;
        lastRefresh = { at: new Date(), ok: failed === 0, sources: results.length, failed };
        metrics.recordRefresh(results, seconds, await store.count('articles'));
        collectGarbage(); // what the refresh left on this thread's heap, returned before the daemon waits
        const hubs = config.websub?.hubs ?? [];
        if (!hubs.length || !results.some((r) => r.new || r.updated)) return;
        const changed = await store.changedSince(started);
        const paths = ['all', ...changed.tags.map((t) => `tags/${t}`), ...changed.sources.map((s) => `sources/${s}`)];
        void pingHubs(hubs, paths.flatMap((p) => FEED_FORMATS.map((f) => `${siteBaseUrl(config.site, listening)}/${encodeURI(p)}.${f}`)), log);
      };
      const purge = async () => {
        const now = new Date();
        const purged = await store.deleteArticles(await store.expiredArticles(config.retention, now), now);
        if (purged) log.info({ purged }, `retention: purged ${plural(purged, 'article')}`);
        for (const [source, n] of await purgeRemovedSources(config, store, now)) log.info({ source, purged: n }, `removed source ${source}: purged ${plural(n, 'article')}`);
      };
      scheduler = new Scheduler({
        config: () => config,
        store,
        work,
        log,
        signal: parts.controller.signal,
        // Each source's changes are served as soon as it has committed them, not at the end of the tick.
        onResult: (r) => void (r.new || r.updated ? follow() : undefined),
        onRefreshed,
        daily: purge,
      });
      parts.scheduler = scheduler;
    }

    if (options.serve) {
      const handler = createHandler({ cache, metrics, log, maxAge: () => maxAge, feedSize: () => config.site.itemsPerFeed, databaseOk: () => store.ping(), lastRefresh: () => lastRefresh, refreshing: () => scheduler?.current() });
      const { host, port } = serverAddress(config, { host: options.host, port: options.port });
      if (stopping) return;
      const server = await listenOrExplain(handler, host, port);
      parts.server = server;
      listening = readerUrl(server.url);
      cache.invalidate();
      const out = options.out ?? process.stdout;
      out.write(`Tidings is serving ${listening}/ (site feeds: ${listening}/all.rss, ${listening}/all.atom, ${listening}/all.json)\n`);
      const configured = config.site.baseUrl;
      if (configured && baseUrlDiffers(configured, listening)) {
        out.write(`Note: site.baseUrl is ${configured}, so feeds and OPML link there, not to ${listening}; remove it from ${options.paths.config} to follow the address the daemon listens on\n`);
      }
    }

    const presence = { name: parts.holder, ...thisProcess() };
    const present = () => store.acquireLease(DAEMON_LEASE, presence, PRESENCE_TTL, new Date()).catch(() => false);
    await present();

    // The configuration file, whoever edited it (sources add, import, a text editor). A file that
    // does not load is refused and logged, and the one running goes on.
    const configMtime = async () => (await stat(options.paths.config).catch(() => undefined))?.mtimeMs;
    let mtime = await configMtime();
    const reload = async (why: string) => {
      const aliases = JSON.stringify(config.tagAliases);
      try {
        config = checkRules(await readConfig(options.paths.config));
        maxAge = shortestInterval(config);
        cache.invalidate(undefined, render());
        await scheduler?.restart();
        await followConfiguration(config, store, new Date());
        await store.noteChange();
        log.info({ config: options.paths.config, sources: config.sources.length }, `configuration reloaded (${why}): ${plural(config.sources.length, 'source')}`);
      } catch (err) {
        log.error({ config: options.paths.config }, `configuration not reloaded, the old one keeps running: ${errorMessage(err)}`);
        return;
      }
      // New tagAliases reach the articles stored already, not only those fetched from now on: once, by
      // the process that ingests (not by every serve --no-ingest), after the new configuration is live.
      if (!options.ingest || JSON.stringify(config.tagAliases) === aliases) return;
      try {
        log.info({}, `tagAliases changed: re-tagged ${plural(await retagStored(store, config), 'stored article')}`);
        await store.noteChange();
      } catch (err) {
        log.error({}, `tagAliases changed, but the stored articles were not re-tagged: ${errorMessage(err)}`);
      }
    };
    const watchConfig = async () => {
      const now = await configMtime();
      if (now === undefined || now === mtime) return;
      mtime = now;
      await reload('the file changed');
    };
    // A store that says when others commit (PostgreSQL's LISTEN) is still looked at now and then,
    // should a notification be lost with its connection.
    if (options.serve && store.watchChanges) await store.watchChanges(() => void follow());
    parts.timers.push(
      setInterval(() => void follow(), store.watchChanges ? FALLBACK_EVERY : WATCH_EVERY),
      setInterval(() => void watchConfig(), WATCH_EVERY),
      setInterval(() => void present(), PRESENCE_TTL / 3),
    );
    const onHup = () => void reload('SIGHUP');
    process.on('SIGHUP', onHup);
    void exited.then(() => process.off('SIGHUP', onHup));

    if (stopping || !scheduler) return;
    scheduler.start();
    if (config.refreshOnStart) void scheduler.tick('startup').catch((err) => log.error({}, `refresh failed: ${errorMessage(err)}`));
  }
}
