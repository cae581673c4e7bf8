// Work the daemon does now and then (look at the store, the configuration file, renew a lease):
// each part is handed how to repeat, so that a test runs its step by hand instead of waiting.

/** Runs `step` every `ms` until the returned function is called. */
export type Repeat = (step: () => void, ms: number) => () => void;

export const everyInterval: Repeat = (step, ms) => {
  const timer = setInterval(step, ms);
  return () => clearInterval(timer);
};
