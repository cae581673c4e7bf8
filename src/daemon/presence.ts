// Presence: the daemon's lease, held while it runs, which `tidings refresh --wait`, `migrate` and
// `tell` look for to know that a daemon will see what they change. A lease of a killed daemon runs
// out by itself; a failure to renew it is logged and tried again, never fatal.
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { Holder } from '../model.js';
import type { Store } from '../store/store.js';
import { everyInterval, type Repeat } from './repeat.js';

/** The lease a running daemon holds, so that other processes can say that it will see their changes. */
export const DAEMON_LEASE = 'daemon';
/** How long the lease lasts unless renewed; it is renewed three times in that. */
export const PRESENCE_TTL = 60_000;

interface PresenceDeps {
  store: Pick<Store, 'acquireLease' | 'releaseLease'>;
  log: Logger;
  holder: Holder;
  now?: () => Date;
  repeat?: Repeat;
}

export class Presence {
  private stopRenewing?: () => void;

  constructor(private readonly deps: PresenceDeps) {}

  /** Takes the lease now and renews it until stopped. */
  async start(): Promise<void> {
    await this.renew();
    this.stopRenewing = (this.deps.repeat ?? everyInterval)(() => void this.renew(), PRESENCE_TTL / 3);
  }

  /** True when this process holds the lease now; a store that fails is logged (and the lease not held). */
  async renew(): Promise<boolean> {
    const { store, log, holder } = this.deps;
    try {
      return await store.acquireLease(DAEMON_LEASE, holder, PRESENCE_TTL, this.deps.now?.() ?? new Date());
    } catch (err) {
      log.error(
        { holder: holder.name },
        `cannot hold the ${DAEMON_LEASE} lease as ${holder.name}: ${errorMessage(err)}`,
      );
      return false;
    }
  }

  /** Stops renewing and lets go of the lease (the store is still open). */
  async stop(): Promise<void> {
    this.stopRenewing?.();
    await this.deps.store.releaseLease(DAEMON_LEASE, this.deps.holder.name);
  }
}
