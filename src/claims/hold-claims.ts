// Holding claims: a claim lasts `fetch.claimTimeout` unless renewed, so that a killed worker's
// sources go to another after it; a live one renews its claims while it refreshes.
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Holder } from '../model.js';
import type { ClaimsDeps } from './dead-claims.js';

interface HoldDeps extends ClaimsDeps {
  holder: Holder;
  config: Pick<Config, 'fetch'>;
}

/** When a claim made or renewed now runs out. */
export function claimUntil(deps: Pick<HoldDeps, 'config' | 'now'>): Date {
  return new Date((deps.now?.() ?? new Date()).getTime() + deps.config.fetch.claimTimeout * 1000);
}

/** Keeps `holder`'s claims alive while `work` runs; a renewal that fails is logged and tried again. */
export async function holdingClaims<T>(deps: HoldDeps, work: () => Promise<T>): Promise<T> {
  const { store, log, holder } = deps;
  const renewClaims = () =>
    store
      .renewClaims(holder.name, claimUntil(deps))
      .catch((err) =>
        log.error({ holder: holder.name }, `cannot renew the claims of ${holder.name}: ${errorMessage(err)}`),
      );
  const renew = setInterval(() => void renewClaims(), (deps.config.fetch.claimTimeout * 1000) / 3);
  try {
    return await work();
  } finally {
    clearInterval(renew);
  }
}
