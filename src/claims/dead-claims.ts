// Claims left by a killed process: on this host, a holder whose process is gone is known gone at
// once, so its sources (and its fetches' host places) are free without waiting for them to run out.
import type { Logger } from '../log.js';
import { isGone } from '../lib/process.js';
import type { Holder } from '../model.js';
import type { Store } from '../store/store.js';

export interface ClaimsDeps {
  store: Store;
  log: Logger;
  /** This process: its own claims are never broken. */
  holder?: Holder;
  now?: () => Date;
}

/** Drops the claims of holders on this host whose process is gone (killed): their sources are free at once. */
export async function breakDeadClaims(deps: ClaimsDeps, names: readonly string[]): Promise<number> {
  let broken = 0;
  const seen = new Set<string>();
  for (const claim of await deps.store.claimsOn(names, deps.now?.() ?? new Date())) {
    if (seen.has(claim.holder.name) || claim.holder.name === deps.holder?.name || !isGone(claim.holder)) continue;
    seen.add(claim.holder.name);
    deps.log.warn(
      { holder: claim.holder.name },
      `${claim.source} was claimed by ${claim.holder.name} (pid ${claim.holder.pid}), which is gone: taking it over`,
    );
    broken += await deps.store.breakClaims(claim.holder.name);
  }
  return broken;
}
