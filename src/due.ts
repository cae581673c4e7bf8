// When is a source due? Pure functions of the clock, the configuration and the source's fetch state.
// node-cron parses and validates the expressions (five fields, or six with seconds); the times they
// name are computed here, so that nothing waits on a timer set from the wall clock.
import cron from 'node-cron';
import type { FetchState } from './model.js';

const SECOND = 1_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Fields = ReturnType<typeof cron.parse>;
const parsed = new Map<string, Fields>();

function fieldsOf(expression: string): Fields {
  let f = parsed.get(expression);
  if (!f) parsed.set(expression, (f = cron.parse(expression)));
  return f;
}

/** Does the cron expression fire in this minute, at some second of it (local time, as node-cron reads it)? */
function minuteMatches(f: Fields, date: Date): boolean {
  return (
    f.minute.includes(date.getMinutes()) &&
    f.hour.includes(date.getHours()) &&
    f.month.includes(date.getMonth() + 1) &&
    f.dayOfMonth.includes(date.getDate()) &&
    f.dayOfWeek.includes(date.getDay())
  );
}

/** The first second after `after` at which the expression fires, looking at most `horizon` ahead. */
export function nextRun(expression: string, after: Date, horizon = 8 * DAY): Date | undefined {
  const f = fieldsOf(expression);
  const seconds = [...f.second].sort((a, b) => a - b);
  const from = Math.floor(after.getTime() / SECOND) * SECOND + SECOND;
  for (let minute = Math.floor(from / MINUTE) * MINUTE; minute <= after.getTime() + horizon; minute += MINUTE) {
    if (!minuteMatches(f, new Date(minute))) continue;
    const second = seconds.find((s) => minute + s * SECOND >= from);
    if (second !== undefined) return new Date(minute + second * SECOND);
  }
  return undefined;
}

/** The shortest gap between two runs of the expression over the next week, in seconds. */
export function cronInterval(expression: string, from = new Date()): number {
  let shortest = Infinity;
  let previous = nextRun(expression, from);
  for (let i = 0; previous && i < 500; i += 1) {
    const next = nextRun(expression, previous);
    if (!next) break;
    shortest = Math.min(shortest, next.getTime() - previous.getTime());
    previous = next;
  }
  return Number.isFinite(shortest) ? shortest / 1000 : 86_400;
}

/**
 * The daemon's ticks for a source: the global schedule's, and its own schedule's if it has one
 * (the daemon wakes at both, see scheduler.ts).
 */
function ticksOf(sourceSchedule: string | undefined, settings: Pick<DueSettings, 'schedule'>): string[] {
  return sourceSchedule && sourceSchedule !== settings.schedule
    ? [settings.schedule, sourceSchedule]
    : [settings.schedule];
}

/** The first tick at or after `from` of any of these schedules. */
export function firstTick(schedules: readonly string[], from: Date): Date | undefined {
  const at = new Date(from.getTime() - 1000);
  return schedules
    .map((s) => nextRun(s, at))
    .reduce<Date | undefined>((a, b) => (b && (!a || b < a) ? b : a), undefined);
}

/**
 * When the daemon fetches a remote source next, as a time, and why then: the first of its ticks at
 * which it is due (a source due now goes at the next tick). Undefined time: not planned (410 Gone).
 */
export function nextFetch(
  state: FetchState | undefined,
  sourceSchedule: string | undefined,
  settings: DueSettings,
  now: Date,
): { at?: Date; why: string } {
  const due = isDue(state, sourceSchedule, settings, now);
  const ticks = ticksOf(sourceSchedule, settings);
  if (due.due) return { at: firstTick(ticks, new Date(now.getTime() + 1000)), why: 'due at the next tick' };
  if (state?.gone) return { why: due.reason };
  return {
    at: firstTick(ticks, due.notBefore && due.notBefore > now ? due.notBefore : new Date(now.getTime() + 1000)),
    why: due.reason,
  };
}

export interface DueSettings {
  /** The global schedule, which ticks the daemon. */
  schedule: string;
  /** Seconds. */
  minInterval: number;
  maxInterval: number;
}

export interface Due {
  due: boolean;
  /** Why not (or why now), for logs. */
  reason: string;
  /** The earliest time it may be fetched, when known. */
  notBefore?: Date;
}

const latest = (...dates: (Date | undefined)[]) =>
  dates.reduce<Date | undefined>((a, b) => (b && (!a || b > a) ? b : a), undefined);

/**
 * A source's state in a word or three, as `sources list`, `stats` and the site's source pages show
 * it: "never checked", "gone (HTTP 410)", "failing" or "ok" (isDue says the first two so too).
 */
export function sourceStatus(state: FetchState | undefined): string {
  if (!state?.lastCheck) return 'never checked';
  if (state.gone) return 'gone (HTTP 410)';
  return state.consecutiveErrors ? 'failing' : 'ok';
}

/**
 * A source is due when nothing holds it back: its own schedule has fired since the last check,
 * the feed's TTL, Cache-Control or Expires have passed, Retry-After has passed, it is outside its
 * skipHours and skipDays, errors have backed off (interval × 2^errors, at most a day), and the
 * minimum interval is over. After the maximum interval it is due whatever the feed said; after HTTP
 * 410 never.
 */
export function isDue(
  state: FetchState | undefined,
  sourceSchedule: string | undefined,
  settings: DueSettings,
  now: Date,
): Due {
  if (state?.gone) return { due: false, reason: 'gone (HTTP 410)' };
  if (state?.nextFetch && state.nextFetch > now)
    return { due: false, reason: 'Retry-After', notBefore: state.nextFetch };
  if (!state?.lastCheck) return { due: true, reason: 'never checked' };
  const last = state.lastCheck;
  if (now.getTime() - last.getTime() >= settings.maxInterval * 1000)
    return { due: true, reason: 'maximum interval reached' };

  const interval = cronInterval(sourceSchedule ?? settings.schedule, last) * 1000;
  // A source's own schedule is what its owner asked for: faster than minInterval, it wins (half its
  // interval, so that a fetch late in the last tick's spread does not hold up the next tick).
  const minimum = sourceSchedule ? Math.min(settings.minInterval * 1000, interval / 2) : settings.minInterval * 1000;
  const backoff = state.consecutiveErrors
    ? new Date(last.getTime() + Math.min(interval * 2 ** state.consecutiveErrors, DAY))
    : undefined;
  const scheduled = sourceSchedule ? nextRun(sourceSchedule, last) : undefined;
  const ttl =
    state.ttlMinutes && state.lastSuccess
      ? new Date(state.lastSuccess.getTime() + state.ttlMinutes * MINUTE)
      : undefined;
  const holds: [string, Date | undefined][] = [
    ['minimum interval', new Date(last.getTime() + minimum)],
    ['its schedule', scheduled ?? (sourceSchedule ? new Date(last.getTime() + DAY) : undefined)],
    ['the feed TTL', ttl],
    ['Cache-Control or Expires', state.cacheUntil],
    ['back-off after errors', backoff],
  ];
  const notBefore = latest(...holds.map(([, d]) => d));
  if (notBefore && notBefore > now) {
    const [reason] = holds.find(([, d]) => d?.getTime() === notBefore.getTime())!;
    return { due: false, reason, notBefore };
  }
  // RSS 2.0: skipHours are GMT hours, skipDays English day names.
  if (state.skipHours.includes(now.getUTCHours())) return { due: false, reason: 'skipHours' };
  if (state.skipDays.some((d) => d.toLowerCase() === DAY_NAMES[now.getUTCDay()]))
    return { due: false, reason: 'skipDays' };
  return { due: true, reason: 'due' };
}
