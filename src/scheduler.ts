// The daemon's clock: node-cron ticks, due sources only, no overlap, the refresh lease, spreading.
import cron, { type ScheduledTask } from 'node-cron';
import { createHash } from 'node:crypto';
import type { Config, Source } from './config/schema.js';
import type { Logger } from './log.js';
import type { RefreshResult } from './model.js';
import { cronInterval, isDue } from './due.js';
import { BusyError } from './errors.js';
import { refreshWithLease, type RefreshDeps } from './refresh.js';
import type { Store } from './store/store.js';
import type { Work } from './work/pool.js';

export interface SchedulerDeps {
  config: () => Config;
  store: Store;
  work: Work;
  log: Logger;
  now?: () => Date;
  signal?: AbortSignal;
  fetch?: RefreshDeps['fetch'];
  /** After each refresh that ran, with how long it took. */
  onRefreshed?: (results: RefreshResult[], seconds: number, started: Date) => void | Promise<void>;
  /** Daily jobs (retention). */
  daily?: () => void | Promise<void>;
}

export type TickOutcome = 'overlap' | 'busy' | 'idle' | RefreshResult[];

/** A stable fraction in [0, 1) per source name, so that a source keeps its place in the spread. */
function phase(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32;
}

const isLocal = (s: Source) => s.type !== 'feed';

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private running?: Promise<TickOutcome>;
  readonly holder = `daemon:${process.pid}`;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    const config = this.deps.config();
    this.tasks.push(cron.schedule(config.schedule, () => void this.tick('scheduled'), { name: 'tidings-refresh' }));
    if (this.deps.daily) this.tasks.push(cron.schedule('17 3 * * *', () => void this.deps.daily!(), { name: 'tidings-daily' }));
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
  }

  /** After a configuration reload: the schedule may have changed. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** Resolves when no refresh is running. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Sources due now: local ones always (reading them is cheap), remote ones by isDue. */
  async dueSources(now: Date): Promise<Source[]> {
    const config = this.deps.config();
    const settings = { schedule: config.schedule, minInterval: config.fetch.minInterval, maxInterval: config.fetch.maxInterval };
    const states = new Map((await this.deps.store.fetchStates()).map((s) => [s.name, s]));
    return config.sources.filter((s) => isLocal(s) || isDue(states.get(s.name), s.schedule, settings, now).due);
  }

  tick(kind: 'scheduled' | 'startup'): Promise<TickOutcome> {
    if (this.running) {
      this.deps.log.warn({ tick: kind }, 'refresh skipped: the previous refresh is still running');
      return Promise.resolve('overlap');
    }
    const run = this.run(kind).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(kind: 'scheduled' | 'startup'): Promise<TickOutcome> {
    const config = this.deps.config();
    const now = this.deps.now?.() ?? new Date();
    const due = await this.dueSources(now);
    if (!due.length) return 'idle';
    // Spread a scheduled tick's fetches over a third of the interval (at most two minutes).
    const window = kind === 'scheduled' ? Math.min((cronInterval(config.schedule, now) * 1000) / 3, 120_000) : 0;
    const started = performance.now();
    try {
      const results = await refreshWithLease(
        { config, store: this.deps.store, work: this.deps.work, log: this.deps.log, now: this.deps.now, signal: this.deps.signal, fetch: this.deps.fetch },
        this.holder,
        0,
        { names: due.map((s) => s.name), startDelay: (s) => (window && !isLocal(s) ? phase(s.name) * window : 0) },
      );
      const seconds = (performance.now() - started) / 1000;
      const failed = results.filter((r) => !r.ok).length;
      this.deps.log.info({ tick: kind, sources: results.length, failed, seconds }, `refreshed ${results.length} sources (${failed} failed) in ${seconds.toFixed(1)} s`);
      await this.deps.onRefreshed?.(results, seconds, now);
      return results;
    } catch (err) {
      if (err instanceof BusyError) {
        this.deps.log.warn({ tick: kind }, `refresh skipped: ${err.message}`);
        return 'busy';
      }
      throw err;
    }
  }
}
