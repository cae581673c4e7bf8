// One word for a source's state, as `sources list` and `stats` show it.
import type { FetchState } from '../model.js';

export function statusOf(state: FetchState | undefined): string {
  if (!state?.lastCheck) return 'never checked';
  if (state.gone) return 'gone';
  return state.consecutiveErrors ? 'failing' : 'ok';
}
