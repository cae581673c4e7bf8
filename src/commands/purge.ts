// tidings purge [NAME…] [--dry-run]: apply retention (purged articles leave tombstones so they do not
// come back), and delete the articles of sources removed from the configuration once their grace
// period is over; with names, those removed sources' articles now.
import { UsageError } from '../errors.js';
import { plural } from '../lib/plural.js';
import { describeRemoved, purgeDate, purgeRemovedSources } from '../removed-sources.js';
import type { Session } from '../session/session.js';

export async function purgeCommand(
  session: Session,
  { dryRun, names = [] }: { dryRun: boolean; names?: string[] },
): Promise<number> {
  const config = session.config();
  const store = await session.store();
  const now = new Date();
  const removed = await store.removedSources();
  for (const name of names) {
    if (config.sources.some((s) => s.name === name))
      throw new UsageError(
        `${name} is still in ${config.file}: tidings sources remove ${name} --purge removes it and its articles`,
      );
    if (!removed.some((r) => r.name === name))
      throw new UsageError(`unknown source: ${name} (neither in ${config.file} nor removed with articles left)`);
  }
  if (dryRun) {
    for (const r of removed)
      if (names.length ? names.includes(r.name) : purgeDate(config, r) <= now)
        session.print(`removed source ${describeRemoved(config, r)}: would be purged`);
  } else {
    for (const [name, n] of await purgeRemovedSources(config, store, now, names.length ? names : undefined))
      session.print(`purged ${plural(n, 'article')} of ${name} (removed from ${config.file})`);
  }
  if (names.length) return 0;
  const { maxAgeDays, maxPerSource } = config.retention;
  if (!maxAgeDays && !maxPerSource) {
    session.print(
      `nothing to purge by retention: retention.maxAgeDays and retention.maxPerSource are 0 (keep everything) in ${config.file}`,
    );
    return 0;
  }
  const ids = await store.expiredArticles(config.retention, now);
  if (dryRun) {
    session.print(`${plural(ids.length, 'article')} would be purged`);
    return 0;
  }
  session.print(
    `purged ${plural(await store.deleteArticles(ids, now), 'article')} (maxAgeDays ${maxAgeDays}, maxPerSource ${maxPerSource})`,
  );
  return 0;
}
