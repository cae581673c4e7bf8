// Following changes: the store's change sequence moves whoever wrote (this process's ingest, a CLI
// refresh, another worker, a purge, an enable); the site's rendered files are dropped when it does.
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { Changes } from '../model.js';
import { parseRoute } from '../publish/routes.js';
import type { SiteCache } from '../serve/site-cache.js';
import type { Store } from '../store/store.js';
import { everyInterval, type Repeat } from './repeat.js';

/** How often the change sequence is looked at. */
const LOOK_EVERY = 250;
/** How often it is looked at when the store also says when it moves (a notification can be lost with its connection). */
const FALLBACK_EVERY = 2_000;

/** The pages that show sources' fetch status: all a recorded fetch outcome changes. */
export function showsStatus(path: string): boolean {
  const route = parseRoute(path);
  return route?.kind === 'sources' || (route?.kind === 'page' && route.list === 'sources');
}

interface FollowDeps {
  store: Pick<Store, 'changes' | 'watchChanges'>;
  cache: Pick<SiteCache, 'invalidate'>;
  log: Logger;
  repeat?: Repeat;
}

export class ChangeFollower {
  private seen?: Changes;
  private looking = false;
  private stopLooking?: () => void;

  constructor(private readonly deps: FollowDeps) {}

  /**
   * Notes where the sequence is now, then looks again now and then, and on every notification of a
   * store that sends them (PostgreSQL's LISTEN).
   */
  async start(): Promise<void> {
    const { store } = this.deps;
    this.seen = await store.changes();
    if (store.watchChanges) await store.watchChanges(() => void this.look());
    this.stopLooking = (this.deps.repeat ?? everyInterval)(
      () => void this.look(),
      store.watchChanges ? FALLBACK_EVERY : LOOK_EVERY,
    );
  }

  /** Drops every rendered file if the articles changed, the status pages if only fetches were recorded. */
  async look(): Promise<void> {
    if (this.looking || !this.seen) return;
    this.looking = true;
    try {
      const now = await this.deps.store.changes();
      if (now.seq !== this.seen.seq) this.deps.cache.invalidate();
      else if (now.checked !== this.seen.checked) this.deps.cache.invalidate(showsStatus);
      this.seen = now;
    } catch (err) {
      this.deps.log.error({}, `cannot read the change sequence: ${errorMessage(err)}`);
    } finally {
      this.looking = false;
    }
  }

  stop(): void {
    this.stopLooking?.();
    this.seen = undefined;
  }
}
