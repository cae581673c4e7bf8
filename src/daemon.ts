// `tidings serve`: wiring only. loadConfig → openStore → HTTP server + scheduler; signals.
import pino from 'pino';
import pretty from 'pino-pretty';
import { colourWanted, loadConfig, serverAddress, type Paths } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { cronInterval } from './due.js';
import { errorMessage } from './errors.js';
import type { Logger } from './log.js';
import type { RefreshResult } from './model.js';
import { FEED_FORMATS } from './publish/feeds.js';
import { pingHubs } from './publish/websub.js';
import { Scheduler } from './scheduler.js';
import { Metrics } from './serve/metrics.js';
import { createHandler, listen, type LastRefresh } from './serve/server.js';
import { SiteCache } from './serve/site-cache.js';
import { renderPath } from './site.js';
import { openStore } from './store/open-store.js';
import { WorkerPool } from './work/pool.js';

export interface DaemonOptions {
  paths: Paths;
  host?: string;
  port?: number;
  /** Where the listening address is announced. */
  out?: NodeJS.WritableStream;
}

function newLogger() {
  // JSON lines for log collectors; readable lines on a terminal.
  return process.stdout.isTTY ? pino({ level: 'info' }, pretty({ colorize: colourWanted(), translateTime: 'SYS:standard', ignore: 'pid,hostname' })) : pino({ level: 'info' });
}

/** The shortest interval at which any feed can change, for Cache-Control max-age. */
function shortestInterval(config: Config): number {
  const schedules = [config.schedule, ...config.sources.flatMap((s) => (s.schedule ? [s.schedule] : []))];
  return Math.max(60, Math.min(...schedules.map((s) => cronInterval(s))));
}

/** Runs until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const log: Logger = newLogger();
  let config = loadConfig(options.paths.config);
  const store = openStore(options.paths.db);
  const work = new WorkerPool();
  const metrics = new Metrics();
  metrics.articles.set(await store.count('articles'));
  const render = () => (path: string, limit?: number) => renderPath({ config, store, log }, path, limit);
  const cache = new SiteCache(render());
  let maxAge = shortestInterval(config);
  let lastRefresh: LastRefresh | undefined;
  const controller = new AbortController();

  const onRefreshed = async (results: RefreshResult[], seconds: number, started: Date) => {
    const failed = results.filter((r) => !r.ok).length;
    lastRefresh = { at: new Date(), ok: failed === 0, sources: results.length, failed };
    metrics.recordRefresh(results, seconds, await store.count('articles'));
    if (!results.some((r) => r.new || r.updated)) return;
    cache.invalidate();
    const hubs = config.websub?.hubs ?? [];
    if (hubs.length) {
      const changed = await store.changedSince(started);
      const paths = ['all', ...changed.tags.map((t) => `tags/${t}`), ...changed.sources.map((s) => `sources/${s}`)];
      const urls = paths.flatMap((p) => FEED_FORMATS.map((f) => `${config.site.baseUrl}/${encodeURI(p)}.${f}`));
      void pingHubs(hubs, urls, log);
    }
  };

  const purge = async () => {
    const now = new Date();
    const purged = await store.deleteArticles(await store.expiredArticles(config.retention, now), now);
    if (!purged) return;
    log.info({ purged }, `retention: purged ${purged} articles`);
    cache.invalidate();
  };
  const scheduler = new Scheduler({ config: () => config, store, work, log, signal: controller.signal, onRefreshed, daily: purge });
  const handler = createHandler({ cache, metrics, log, maxAge: () => maxAge, databaseOk: () => store.ping(), lastRefresh: () => lastRefresh });
  const { host, port } = serverAddress(config, { host: options.host, port: options.port });
  const server = await listen(handler, host, port);
  (options.out ?? process.stdout).write(`Tidings is serving ${server.url}/ (site feeds: ${server.url}/all.rss, ${server.url}/all.atom, ${server.url}/all.json)\n`);

  scheduler.start();
  if (config.refreshOnStart) void scheduler.tick('startup').catch((err) => log.error({}, `refresh failed: ${errorMessage(err)}`));

  const reload = async () => {
    try {
      const next = loadConfig(options.paths.config);
      config = next;
      maxAge = shortestInterval(config);
      cache.invalidate(render());
      await scheduler.restart();
      log.info({ config: options.paths.config }, 'configuration reloaded');
    } catch (err) {
      log.error({ config: options.paths.config }, `configuration not reloaded, the old one keeps running: ${errorMessage(err)}`);
    }
  };

  return new Promise((resolveExit) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, `${signal}: shutting down`);
      const force = setTimeout(() => {
        log.error({}, 'shutdown took longer than 9 s; exiting');
        resolveExit(1);
      }, 9_000);
      force.unref();
      await scheduler.stop();
      controller.abort();
      await server.close();
      await scheduler.idle();
      await work.close();
      await store.close();
      clearTimeout(force);
      process.off('SIGHUP', onHup);
      log.info({}, 'stopped');
      resolveExit(0);
    };
    const onHup = () => void reload();
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  });
}
