// The daemon's clock: ticks at the schedule's times, due sources only, no overlap, each source
// claimed before it is fetched, fetches spread over the interval. The waits run on the monotonic clock, never longer than
// one interval, and the schedule is looked up afresh at each wake-up: a wall clock that steps (back
// or forward) delays a tick by one interval at most. A step is noticed (the wall clock moved more,
// or less, than the monotonic one) and every recorded time in the store is shifted by it, so that a
// step forward does not make every source due at once, nor a step back none of them for a day.
import { createHash } from 'node:crypto';
import type { Config, Source } from './config/schema.js';
import { cronInterval, firstTick, isDue, nextRun } from './due.js';
import { errorMessage } from './errors.js';
import { systemClock, type Clock, type Timer } from './lib/clock.js';
import { thisProcess } from './lib/process.js';
import type { Logger } from './log.js';
import type { Holder, RefreshResult, TickProgress } from './model.js';
import { refreshDue } from './refresh-all.js';
import type { RefreshDeps } from './refresh.js';
import type { Store } from './store/store.js';
import type { Work } from './work/pool.js';
import { plural } from './lib/plural.js';

export interface SchedulerDeps {
  config: () => Config;
  store: Store;
  work: Work;
  log: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  fetch?: RefreshDeps['fetch'];
  /** After each source's refresh, as soon as it is stored. */
  onResult?: (result: RefreshResult) => void;
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

/** The remote sources' own schedules, each once. */
const ownSchedules = (config: Config) => [
  ...new Set(config.sources.flatMap((s) => (s.type === 'feed' && s.schedule ? [s.schedule] : []))),
];

/** The daily jobs run at 03:17 local time. */
const DAILY = '0 17 3 * * *';
/** The two clocks may drift apart by this much between wake-ups before it counts as a step. */
const STEP_TOLERANCE = 5_000;
/** Never wake up sooner than this, whatever the schedule says. */
const MIN_WAIT = 250;

/** A long tick says how far it is at most this often. */
const PROGRESS_EVERY = 30_000;

export class Scheduler {
  private timer?: Timer;
  private progress?: TickProgress;
  /** The spread's waits under way, each with what stops it. */
  private readonly waits = new Set<() => void>();
  private running?: Promise<TickOutcome>;
  /** Both clocks at the last wake-up, to tell a step of the wall clock from time passing. */
  private last?: { wall: number; mono: number };
  private nextDaily?: number;
  readonly holder: Holder;
  private readonly clock: Clock;

  constructor(private readonly deps: SchedulerDeps) {
    this.clock = deps.clock ?? systemClock;
    // One listener for every wait of the spread (a listener each made Node warn at 11 of 77).
    deps.signal?.addEventListener('abort', () => [...this.waits].forEach((stop) => stop()), { once: true });
    this.holder = { name: `daemon:${process.pid}`, ...thisProcess() };
  }

  start(): void {
    const now = this.clock.now();
    this.last = { wall: now.getTime(), mono: this.clock.monotonic() };
    this.nextDaily = nextRun(DAILY, now)?.getTime();
    this.arm();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.last = undefined;
  }

  /** After a configuration reload: the schedule may have changed. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** The tick under way, if any (for /healthz). */
  current(): TickProgress | undefined {
    return this.progress && { ...this.progress };
  }

  /**
   * Waits `ms` on the monotonic clock (a source's place in the spread); a shutdown cancels the wait,
   * so that no timer of a spread up to two minutes long keeps the process alive after it stopped.
   */
  private wait(ms: number): Promise<void> {
    if (this.deps.signal?.aborted) return Promise.resolve();
    return new Promise((ok) => {
      const stop = () => (this.waits.delete(stop), timer.cancel(), ok());
      const timer = this.clock.setTimer(() => (this.waits.delete(stop), ok()), ms);
      this.waits.add(stop);
    });
  }

  /** Resolves when no refresh is running. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /**
   * Until the next time of the schedule or of a source's own (a source's `* * * * *` is honoured
   * though the daemon ticks every 15 minutes), but never more than one interval of the schedule and
   * never less than MIN_WAIT.
   */
  private arm(): void {
    const config = this.deps.config();
    const schedule = config.schedule;
    const now = this.clock.now();
    const next =
      firstTick([schedule, ...ownSchedules(config)], new Date(now.getTime() + 1000))?.getTime() ??
      now.getTime() + 86_400_000;
    const wait = Math.min(Math.max(next - now.getTime(), MIN_WAIT), cronInterval(schedule, now) * 1000);
    // The wake-up's promise goes to the clock: Node's drops it, a test's waits for it.
    this.timer = this.clock.setTimer(() => this.wake(), wait);
  }

  private async wake(): Promise<void> {
    if (!this.last) return; // stopped
    const wall = this.clock.now().getTime();
    const mono = this.clock.monotonic();
    const step = Math.round(wall - this.last.wall - (mono - this.last.mono));
    const config = this.deps.config();
    const firedSince = (schedule: string) =>
      (nextRun(schedule, new Date(this.last!.wall - 1))?.getTime() ?? Infinity) <= wall;
    const fired = firedSince(config.schedule);
    // Sources whose own schedule fired while the global one did not: a tick of their own.
    const own = config.sources
      .filter((s) => s.type === 'feed' && s.schedule && firedSince(s.schedule))
      .map((s) => s.name);
    this.last = { wall, mono };
    this.arm();
    try {
      const failed = (err: unknown) => this.deps.log.error({}, `refresh failed: ${errorMessage(err)}`);
      if (Math.abs(step) > STEP_TOLERANCE) await this.stepped(step);
      if (fired || Math.abs(step) > STEP_TOLERANCE) void this.tick('scheduled').catch(failed);
      else if (own.length) void this.tick('scheduled', own).catch(failed);
      if (this.deps.daily && this.nextDaily !== undefined && wall >= this.nextDaily) {
        this.nextDaily = nextRun(DAILY, new Date(wall))?.getTime();
        await this.deps.daily();
      }
    } catch (err) {
      this.deps.log.error({}, `scheduler: ${errorMessage(err)}`);
    }
  }

  /** The wall clock stepped by `ms`: the recorded times follow it, so that what was due stays due and what was not stays not. */
  private async stepped(ms: number): Promise<void> {
    const days = (ms / 86_400_000).toFixed(ms % 86_400_000 === 0 ? 0 : 3);
    this.deps.log.warn(
      { stepMs: ms },
      `the wall clock stepped ${ms > 0 ? 'forward' : 'back'} by ${Math.abs(ms / 1000).toFixed(0)} s (${days} days); fetch times shifted with it`,
    );
    await this.deps.store.shiftTimes(ms);
    if (this.nextDaily !== undefined) this.nextDaily += ms;
  }

  /**
   * A check recorded after now: the wall clock stepped back while no daemon ran to shift the times
   * with it (a restart after a step). They move back so that the latest check is now.
   */
  private async catchUp(now: Date): Promise<void> {
    const latest = Math.max(0, ...(await this.deps.store.fetchStates()).map((s) => s.lastCheck?.getTime() ?? 0));
    if (latest - now.getTime() > STEP_TOLERANCE) await this.stepped(now.getTime() - latest);
  }

  /**
   * Sources due now, with their last checks: local ones always (reading them is cheap), remote ones
   * by isDue; `only` those named (a tick of sources' own schedules).
   */
  async dueSources(now: Date, only?: readonly string[]): Promise<Map<string, Date | null>> {
    const config = this.deps.config();
    const settings = {
      schedule: config.schedule,
      minInterval: config.fetch.minInterval,
      maxInterval: config.fetch.maxInterval,
    };
    const states = new Map((await this.deps.store.fetchStates()).map((s) => [s.name, s]));
    const sources = only ? config.sources.filter((s) => only.includes(s.name)) : config.sources;
    const due = sources.filter((s) => isLocal(s) || isDue(states.get(s.name), s.schedule, settings, now).due);
    return new Map(due.map((s) => [s.name, states.get(s.name)?.lastCheck ?? null]));
  }

  /** A refresh of the due sources (`only` these, for a tick of sources' own schedules). */
  tick(kind: 'scheduled' | 'startup', only?: readonly string[]): Promise<TickOutcome> {
    if (this.running) {
      // A source's own minute-by-minute schedule meeting a long tick is no news.
      if (!only) this.deps.log.warn({ tick: kind }, 'refresh skipped: the previous refresh is still running');
      return Promise.resolve('overlap');
    }
    const run = this.run(kind, only).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(kind: 'scheduled' | 'startup', only?: readonly string[]): Promise<TickOutcome> {
    const config = this.deps.config();
    const now = this.clock.now();
    await this.catchUp(now);
    const due = await this.dueSources(now, only);
    if (!due.size) return 'idle';
    // Spread a scheduled tick's fetches over a third of its interval (at most two minutes).
    const schedules = only
      ? config.sources.filter((s) => only.includes(s.name)).map((s) => s.schedule!)
      : [config.schedule];
    const interval = Math.min(...schedules.map((s) => cronInterval(s, now)));
    const window = kind === 'scheduled' ? Math.min((interval * 1000) / 3, 120_000) : 0;
    const started = performance.now();
    const progress: TickProgress = (this.progress = { started: now, done: 0, total: due.size, failed: 0 });
    let said = this.clock.monotonic();
    const onResult = (r: RefreshResult) => {
      progress.done += 1;
      if (!r.ok) progress.failed += 1;
      this.deps.onResult?.(r);
      if (this.clock.monotonic() - said < PROGRESS_EVERY || progress.done === progress.total) return;
      said = this.clock.monotonic();
      const seconds = (performance.now() - started) / 1000;
      this.deps.log.info(
        { tick: kind, ...progress, started: undefined, seconds },
        `refreshing: ${progress.done} of ${plural(progress.total, 'source')} done (${progress.failed} failed) after ${seconds.toFixed(0)} s`,
      );
    };
    const results = await refreshDue(
      {
        config,
        store: this.deps.store,
        work: this.deps.work,
        log: this.deps.log,
        holder: this.holder,
        now: () => this.clock.now(),
        wait: (ms) => this.wait(ms),
        signal: this.deps.signal,
        fetch: this.deps.fetch,
      },
      due,
      { startDelay: (s) => (window && !isLocal(s) ? phase(s.name) * window : 0), onResult },
    ).finally(() => (this.progress = undefined));
    // Sources another process holds, or fetched meanwhile, are its to report.
    if (!results.length) return 'busy';
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => !r.ok).length;
    this.deps.log.info(
      { tick: kind, sources: results.length, failed, seconds },
      `refreshed ${plural(results.length, 'source')} (${failed} failed) in ${seconds.toFixed(1)} s`,
    );
    await this.deps.onRefreshed?.(results, seconds, now);
    return results;
  }
}
