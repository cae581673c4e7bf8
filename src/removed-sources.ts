// The configuration is the truth about sources. A source gone from it leaves the site, the feeds,
// search and the counts at once (the store marks it removed); its articles stay in the store for
// `retention.removedSourceDays` (a source re-added by then comes back whole), then are deleted.
// As in Miniflux and FreshRSS, a removed feed's articles go with it; the grace period is for a
// source renamed or dropped by mistake, and `doctor` and `stats` announce it.
import type { Config } from './config/schema.js';
import type { RemovedSource, Store } from './store/store.js';

const DAY = 86_400_000;

/** Marks the sources the configuration no longer names as removed, and restores those it names again. */
export function followConfiguration(config: Config, store: Store, now: Date): Promise<void> {
  return store.retireSources(
    config.sources.map((s) => s.name),
    now,
  );
}

/** When a removed source's articles are deleted. */
export function purgeDate(config: Config, removed: RemovedSource): Date {
  return new Date(removed.removedAt.getTime() + config.retention.removedSourceDays * DAY);
}

/** "city: 17 articles, unpublished since 2026-12-06, deleted on 2026-12-13 (tidings purge city deletes them now)". */
export function describeRemoved(config: Config, removed: RemovedSource): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `${removed.name}: ${removed.articles} article${removed.articles === 1 ? '' : 's'}, unpublished since ${day(removed.removedAt)}, deleted on ${day(purgeDate(config, removed))} (tidings purge ${removed.name} deletes them now)`;
}

/**
 * Deletes the articles of removed sources whose grace period is over, or of the named ones now
 * (without tombstones: a source added again gets its articles back). Returns name → articles deleted.
 */
export async function purgeRemovedSources(
  config: Config,
  store: Store,
  now: Date,
  names?: readonly string[],
): Promise<Map<string, number>> {
  const purged = new Map<string, number>();
  for (const removed of await store.removedSources()) {
    if (names ? !names.includes(removed.name) : purgeDate(config, removed) > now) continue;
    const ids = (await store.articles({ source: removed.name })).map((a) => a.id);
    purged.set(removed.name, await store.deleteArticles(ids, now, false));
  }
  if (purged.size) await followConfiguration(config, store, now);
  return purged;
}
