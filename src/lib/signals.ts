// SIGTERM and SIGINT, caught from the first line of the process: one that arrives while modules
// load, or before the daemon is ready, is held for the daemon to act on, never lost. A command
// other than the daemon lets go of them, and a signal then ends the process as it would have.
const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNALS;

export class StopSignals {
  private handler?: (signal: StopSignal) => void;
  /** Signals held until a handler takes them, or undefined once released. */
  private held: StopSignal[] | undefined = [];

  constructor() {
    for (const signal of Object.keys(SIGNALS) as StopSignal[]) process.on(signal, () => this.deliver(signal));
  }

  private deliver(signal: StopSignal): void {
    if (this.handler) this.handler(signal);
    else if (this.held) this.held.push(signal);
    else process.exit(128 + SIGNALS[signal]);
  }

  /** Signals go to `handler` from now on; one that came before is handed over at once. */
  handle(handler: (signal: StopSignal) => void): void {
    const first = this.held?.[0];
    this.handler = handler;
    this.held = undefined;
    if (first) handler(first);
  }

  /** Not the daemon: a signal ends the process, one that came already included. */
  release(): void {
    const first = this.held?.[0];
    this.held = undefined;
    if (first) this.deliver(first);
  }
}
