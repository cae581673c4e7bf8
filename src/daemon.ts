// `tidings serve`: wiring only. loadConfig → openStore → HTTP server + scheduler; signals.
import pino from 'pino';
import pretty from 'pino-pretty';
import { colourWanted, loadConfig, serverAddress, type Paths } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { errorMessage } from './errors.js';
import type { Logger } from './log.js';
import type { RefreshResult } from './model.js';
import { parsePool } from './normalize/worker-pool.js';
import { FEED_FORMATS } from './publish/feeds.js';
import { Scheduler } from './scheduler.js';
import { cronInterval } from './schedule.js';
import { Metrics } from './serve/metrics.js';
import { buildServer, type LastRefresh } from './serve/server.js';
import { SiteCache } from './serve/site-cache.js';
import { renderPath } from './site.js';
import { openDatabase } from './store/open-store.js';
import { Store } from './store/store.js';
import { pingHubs } from './websub.js';

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
  const logger = newLogger();
  const log: Logger = logger;
  let config = loadConfig(options.paths.config);
  const store = new Store(openDatabase(options.paths.db));
  const metrics = new Metrics();
  metrics.articles.set(store.count('articles'));
  const render = () => (path: string, limit?: number) => renderPath({ config, store, log }, path, limit);
  const cache = new SiteCache(render());
  let maxAge = shortestInterval(config);
  let lastRefresh: LastRefresh | undefined;
  const controller = new AbortController();

  const onRefreshed = (results: RefreshResult[], seconds: number, started: Date) => {
    const failed = results.filter((r) => !r.ok).length;
    lastRefresh = { at: new Date(), ok: failed === 0, sources: results.length, failed };
    metrics.recordRefresh(results, seconds, store.count('articles'));
    if (!results.some((r) => r.new || r.updated)) return;
    cache.invalidate();
    const hubs = config.websub?.hubs ?? [];
    if (hubs.length) {
      const changed = store.changedSince(started);
      const paths = ['all', ...changed.tags.map((t) => `tags/${t}`), ...changed.sources.map((s) => `sources/${s}`)];
      const urls = paths.flatMap((p) => FEED_FORMATS.map((f) => `${config.site.baseUrl}/${encodeURI(p)}.${f}`));
      void pingHubs(hubs, urls, log);
    }
  };

  const purge = () => {
    const now = new Date();
    const purged = store.deleteArticles(store.expiredArticles(config.retention, now), now);
    if (!purged) return;
    log.info({ purged }, `retention: purged ${purged} articles`);
    cache.invalidate();
  };
  const scheduler = new Scheduler({ config: () => config, store, log, signal: controller.signal, onRefreshed, daily: purge });
  const app = buildServer({
    cache,
    metrics,
    logger,
    maxAge: () => maxAge,
    databaseOk: () => {
      try {
        return store.db.prepare('SELECT 1 AS ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    lastRefresh: () => lastRefresh,
  });
  const { host, port } = serverAddress(config, { host: options.host, port: options.port });
  await app.listen({ host, port });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : `http://${host}:${port}`;
  (options.out ?? process.stdout).write(`Tidings is serving ${url}/ (site feeds: ${url}/all.rss, ${url}/all.atom, ${url}/all.json)\n`);

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
      await app.close();
      await scheduler.idle();
      await parsePool().close();
      store.close();
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
