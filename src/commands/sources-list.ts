// tidings sources list [--json]: every source with its type, location, tags, status and counts.
import { sourceLocation } from '../config/paths.js';
import { nextFetch, sourceStatus } from '../due.js';
import type { Session } from '../session/session.js';
import { plural } from '../lib/plural.js';

export async function sourcesListCommand(session: Session, { json }: { json: boolean }): Promise<number> {
  const config = session.config();
  const states = new Map((await (await session.store()).fetchStates()).map((s) => [s.name, s]));
  const now = new Date();
  const settings = {
    schedule: config.schedule,
    minInterval: config.fetch.minInterval,
    maxInterval: config.fetch.maxInterval,
  };
  const rows = config.sources.map((source) => {
    const state = states.get(source.name);
    // Local sources are read at every tick; a feed when nothing holds it back (see due.ts).
    const next = source.type === 'feed' ? nextFetch(state, source.schedule, settings, now) : undefined;
    return {
      name: source.name,
      type: source.type,
      location: state?.url ?? sourceLocation(source),
      tags: source.tags,
      status: sourceStatus(state),
      lastCheck: state?.lastCheck?.toISOString() ?? null,
      lastSuccess: state?.lastSuccess?.toISOString() ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastError: state?.lastError ?? null,
      consecutiveErrors: state?.consecutiveErrors ?? 0,
      nextFetch: next?.at?.toISOString() ?? null,
      nextFetchWhy: next?.why ?? null,
      articles: state?.articles ?? 0,
      leftOutByRules: state?.leftOutByRules ?? 0,
    };
  });
  if (json) {
    session.print(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const r of rows) {
    const rules = r.leftOutByRules ? `, ${r.leftOutByRules} left out by rules at the last read` : '';
    const errors = r.consecutiveErrors ? `, ${plural(r.consecutiveErrors, 'error')} in a row: ${r.lastError}` : '';
    const http = r.lastStatus ? ` (HTTP ${r.lastStatus})` : '';
    const next = r.type !== 'feed' ? '' : `, next fetch ${r.nextFetch ?? 'not planned'} (${r.nextFetchWhy})`;
    session.print(
      `${r.name}  ${r.type}  ${r.location}  [${r.tags.join(', ')}]  ${r.status}, ${plural(r.articles, 'article')}, last success ${r.lastSuccess ?? 'never'}${http}${rules}${next}${errors}`,
    );
  }
  return 0;
}
