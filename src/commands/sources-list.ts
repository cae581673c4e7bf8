// tidings sources list [--json]: every source with its type, location, tags, status and counts.
import { sourceLocation } from '../config/load-config.js';
import type { Session } from './session.js';
import { statusOf } from './source-status.js';

export async function sourcesListCommand(session: Session, { json }: { json: boolean }): Promise<number> {
  const config = session.config();
  const states = new Map((await (await session.store()).fetchStates()).map((s) => [s.name, s]));
  const rows = config.sources.map((source) => {
    const state = states.get(source.name);
    return {
      name: source.name,
      type: source.type,
      location: state?.url ?? sourceLocation(source),
      tags: source.tags,
      status: statusOf(state),
      lastCheck: state?.lastCheck?.toISOString() ?? null,
      lastSuccess: state?.lastSuccess?.toISOString() ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastError: state?.lastError ?? null,
      consecutiveErrors: state?.consecutiveErrors ?? 0,
      nextFetch: state?.nextFetch?.toISOString() ?? null,
      articles: state?.articles ?? 0,
    };
  });
  if (json) {
    session.print(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const r of rows) {
    const errors = r.consecutiveErrors ? `, ${r.consecutiveErrors} errors in a row: ${r.lastError}` : '';
    session.print(`${r.name}  ${r.type}  ${r.location}  [${r.tags.join(', ')}]  ${r.status}, ${r.articles} articles, last success ${r.lastSuccess ?? 'never'}${errors}`);
  }
  return 0;
}
