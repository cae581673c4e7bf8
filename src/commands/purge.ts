// tidings purge [--dry-run]: apply retention; purged articles leave tombstones so they do not come back.
import type { Session } from './session.js';
import { plural } from '../lib/plural.js';

export async function purgeCommand(session: Session, { dryRun }: { dryRun: boolean }): Promise<number> {
  const config = session.config();
  const { maxAgeDays, maxPerSource } = config.retention;
  if (!maxAgeDays && !maxPerSource) {
    session.print(`nothing to purge: retention.maxAgeDays and retention.maxPerSource are 0 (keep everything) in ${config.file}`);
    return 0;
  }
  const store = await session.store();
  const now = new Date();
  const ids = await store.expiredArticles(config.retention, now);
  if (dryRun) {
    session.print(`${plural(ids.length, 'article')} would be purged`);
    return 0;
  }
  session.print(`purged ${plural(await store.deleteArticles(ids, now), 'article')} (maxAgeDays ${maxAgeDays}, maxPerSource ${maxPerSource})`);
  return 0;
}
