// Prometheus metrics, through prom-client, in a registry of our own.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RefreshResult } from '../model.js';

export class Metrics {
  readonly registry = new Registry();
  readonly fetches = new Counter({
    name: 'tidings_fetches_total',
    help: 'Source refreshes by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly fetchDuration = new Histogram({
    name: 'tidings_fetch_duration_seconds',
    help: 'Time to refresh one source (fetch, parse, store)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly articles = new Gauge({
    name: 'tidings_articles_stored',
    help: 'Articles in the database',
    registers: [this.registry],
  });
  readonly refreshDuration = new Histogram({
    name: 'tidings_refresh_duration_seconds',
    help: 'Time for one scheduled refresh of all due sources',
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly requestCounts = new Map<string, number>();
  readonly requests: Counter;

  constructor() {
    const counts = this.requestCounts;
    this.requests = new Counter({
      name: 'tidings_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [this.registry],
      // Totals are kept in a plain map on the hot path and handed over at scrape time.
      collect() {
        this.reset();
        for (const [key, n] of counts) {
          const [route, status] = key.split('\n');
          this.inc({ route, status }, n);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'tidings_' });
  }

  countRequest(route: string, status: number): void {
    const key =
      status === 200 || status === 304
        ? (this.keys.get(route)?.[status === 200 ? 0 : 1] ?? this.keyFor(route, status))
        : `${route}\n${status}`;
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
  }

  // The two common keys per route, built once.
  private readonly keys = new Map<string, [string, string]>();
  private keyFor(route: string, status: number): string {
    this.keys.set(route, [`${route}\n200`, `${route}\n304`]);
    return `${route}\n${status}`;
  }

  recordRefresh(results: RefreshResult[], seconds: number, articleCount: number): void {
    for (const r of results) {
      const outcome = r.error ? 'error' : r.skipped ? 'skipped' : r.notModified ? 'not_modified' : 'ok';
      this.fetches.inc({ outcome });
      if (r.durationMs !== undefined && !r.skipped) this.fetchDuration.observe(r.durationMs / 1000);
    }
    this.refreshDuration.observe(seconds);
    this.articles.set(articleCount);
  }
}
