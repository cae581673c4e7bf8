// tidings stats [--json]: sources by status, articles by source and tag, merged duplicates,
// database size, last refresh.
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { Session } from '../session/session.js';
import { sourceStatus } from '../due.js';
import { plural } from '../lib/plural.js';
import { describeRemoved, purgeDate } from '../removed-sources.js';

async function collectStats(config: Config, store: Store) {
  const states = await store.fetchStates();
  const byStatus: Record<string, number> = {};
  for (const source of config.sources) {
    const status = sourceStatus(states.find((s) => s.name === source.name));
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const lastCheck = states.reduce((max, s) => Math.max(max, s.lastCheck?.getTime() ?? 0), 0);
  const stats = await store.stats();
  const removed = await store.removedSources();
  return {
    sources: { total: config.sources.length, byStatus },
    articles: {
      total: stats.articles,
      bySource: Object.fromEntries(
        config.sources.map((s) => [s.name, states.find((x) => x.name === s.name)?.articles ?? 0]),
      ),
      byTag: Object.fromEntries((await store.tagCounts()).slice(0, 20).map((t) => [t.slug, t.count])),
    },
    stories: { total: stats.stories, mergedDuplicates: stats.mergedDuplicates },
    /** Sources gone from the configuration whose articles wait for their purge (not counted above). */
    removedSources: removed.map((r) => ({
      name: r.name,
      articles: r.articles,
      removedAt: r.removedAt.toISOString(),
      purgeOn: purgeDate(config, r).toISOString(),
      describe: describeRemoved(config, r),
    })),
    database: { file: stats.location, bytes: stats.bytes, schemaVersion: stats.schemaVersion },
    lastRefresh: lastCheck ? new Date(lastCheck).toISOString() : null,
  };
}

function formatStats(stats: Awaited<ReturnType<typeof collectStats>>): string[] {
  return [
    `sources: ${stats.sources.total} (${
      Object.entries(stats.sources.byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    })`,
    `articles: ${stats.articles.total} in ${plural(stats.stories.total, 'story', 'stories')} (${stats.stories.mergedDuplicates} merged as duplicates)`,
    ...Object.entries(stats.articles.bySource).map(([name, n]) => `  ${name}: ${n}`),
    ...stats.removedSources.map((r) => `removed source ${r.describe}`),
    `top tags: ${
      Object.entries(stats.articles.byTag)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'none'
    }`,
    `database: ${stats.database.file}, ${(stats.database.bytes / 1048576).toFixed(1)} MiB, schema ${stats.database.schemaVersion}`,
    `last refresh: ${stats.lastRefresh ?? 'never'}`,
  ];
}

export async function statsCommand(session: Session, { json }: { json: boolean }): Promise<number> {
  const stats = await collectStats(session.config(), await session.store());
  if (json) session.print(JSON.stringify(stats, null, 2));
  else for (const line of formatStats(stats)) session.print(line);
  return 0;
}
