// Host places: at most `fetch.perHost` fetches from one host at once, counted in the store so that
// every process on it (the daemon, `tidings refresh`, workers elsewhere) is as polite as one.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { FetchError } from '../errors.js';
import { breakDeadClaims, type ClaimsDeps } from './dead-claims.js';

interface HostPlaceDeps extends ClaimsDeps {
  config: Pick<Config, 'fetch' | 'sources'>;
  /** Stops waiting for a place (shutdown). */
  signal?: AbortSignal;
}

/** How often a fetch waiting for a place looks again. */
const POLL_MS = 100;

/**
 * Runs a fetch in one of the host's places; waits for a place while all are taken. A place is held
 * as "holder#fetch" (store/claims.ts breaks a dead holder's places by that prefix); one held past
 * the fetch timeout by a process that died mid-fetch runs out by itself.
 */
export async function withHostPlace<T>(url: string, deps: HostPlaceDeps, fetch: () => Promise<T>): Promise<T> {
  if (!deps.holder) return fetch();
  const host = new URL(url).host;
  const key = `${deps.holder.name}#${randomUUID()}`;
  const clock = () => deps.now?.() ?? new Date();
  const limit = (deps.config.fetch.timeout + 10) * 1000;
  const take = () =>
    deps.store.takeHostSlot(host, deps.config.fetch.perHost, key, new Date(clock().getTime() + limit), clock());
  let place: number | undefined;
  for (let waits = 0; (place = await take()) === undefined; waits += 1) {
    if (deps.signal?.aborted) throw new FetchError(`fetch: ${url}: stopped (shutting down)`);
    // Once a second: a process killed mid-fetch here holds places until it is found gone.
    if (waits % 10 === 9)
      await breakDeadClaims(
        deps,
        deps.config.sources.map((s) => s.name),
      );
    await new Promise((ok) => setTimeout(ok, POLL_MS));
  }
  try {
    return await fetch();
  } finally {
    await deps.store.releaseHostSlot(host, place, key);
  }
}
