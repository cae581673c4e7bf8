// Time, injectable: the wall clock (which can step, forwards or back), a monotonic clock (which
// cannot) and timers that run on the monotonic one, as Node's do.
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Milliseconds on a clock that never steps. */
  monotonic(): number;
  /**
   * Runs `fn` once `ms` milliseconds have passed on the monotonic clock. A promise `fn` returns is the
   * clock's to await (a test's clock does: the scheduler's wake-up runs to its end) or to drop.
   */
  setTimer(fn: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
