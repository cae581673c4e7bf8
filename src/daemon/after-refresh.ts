// After-refresh work: what a tick's results change outside the store (the health page's last
// refresh, the metrics, the WebSub hubs), and the daily clean-up (retention, removed sources).
import type { Config } from '../config/schema.js';
import { siteBaseUrl } from '../config/schema.js';
import { plural } from '../lib/plural.js';
import type { Logger } from '../log.js';
import type { RefreshResult } from '../model.js';
import { FEED_FORMATS, feedPath, listPath } from '../publish/routes.js';
import { pingHubs } from '../publish/websub.js';
import { purgeRemovedSources } from '../removed-sources.js';
import type { Metrics } from '../serve/metrics.js';
import type { LastRefresh } from '../serve/server.js';
import type { Store } from '../store/store.js';
import { collectGarbage } from '../lib/collect-garbage.js';

interface AfterRefreshDeps {
  store: Store;
  metrics: Metrics;
  log: Logger;
  config: () => Config;
  /** Where the site is served, once it is (feeds link there without a site.baseUrl). */
  listening: () => string | undefined;
  /** Sends the hubs their pings; pingHubs by default. */
  ping?: typeof pingHubs;
}

export class AfterRefresh {
  /** The last tick, as the health page tells it. */
  last?: LastRefresh;

  constructor(private readonly deps: AfterRefreshDeps) {}

  /** A tick is done: it is recorded, and the hubs hear of the feeds it changed. */
  async refreshed(results: RefreshResult[], seconds: number, started: Date): Promise<void> {
    const { store, metrics, log } = this.deps;
    const failed = results.filter((r) => !r.ok).length;
    this.last = { at: new Date(), ok: failed === 0, sources: results.length, failed };
    metrics.recordRefresh(results, seconds, await store.count('articles'));
    collectGarbage(); // what the refresh left on this thread's heap, returned before the daemon waits
    const config = this.deps.config();
    const hubs = config.websub?.hubs ?? [];
    if (!hubs.length || !results.some((r) => r.new || r.updated)) return;
    const changed = await store.changedSince(started);
    const lists = [
      listPath('all', ''),
      ...changed.tags.map((t) => listPath('tags', t)),
      ...changed.sources.map((s) => listPath('sources', s)),
    ];
    const base = siteBaseUrl(config.site, this.deps.listening());
    void (this.deps.ping ?? pingHubs)(
      hubs,
      lists.flatMap((list) => FEED_FORMATS.map((f) => `${base}/${encodeURI(feedPath(list, f))}`)),
      log,
    );
  }

  /** Once a day: articles past their retention, and those of sources removed longer ago than their grace. */
  async purge(now = new Date()): Promise<void> {
    const { store, log } = this.deps;
    const config = this.deps.config();
    const purged = await store.deleteArticles(await store.expiredArticles(config.retention, now), now);
    if (purged) log.info({ purged }, `retention: purged ${plural(purged, 'article')}`);
    for (const [source, n] of await purgeRemovedSources(config, store, now))
      log.info({ source, purged: n }, `removed source ${source}: purged ${plural(n, 'article')}`);
  }
}
