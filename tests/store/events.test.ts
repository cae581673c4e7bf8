// Events in both stores: written by the ingest, read back by the site and the CLI, found by time,
// and gone with their articles.
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { tempDir, writeTree } from '../helpers.js';
import { eventOfTitle, writeEventFeeds } from '../helpers-events.js';
import { forEachStore } from '../stores.js';

const work = new WorkerPool();
afterAll(() => work.close());

async function refresh(store: Store, yaml: string, dir: string) {
  writeTree(dir, { 'tidings.yaml': yaml });
  const config = parseConfig(yaml, join(dir, 'tidings.yaml'));
  return refreshAll({ config, store, work, log: silentLogger });
}

forEachStore((kind) => {
  let store: Store;
  let dir: string;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(await kind.location());
    return () => store.close();
  });

  it('groups each labeled event, lists its reports newest first, and finds events by time', async () => {
    await refresh(store, `sources:\n${writeEventFeeds(dir, [5, 7])}`, dir);
    const articles = await store.articles();
    const events = await store.eventMemberships(articles.map((a) => a.id));
    expect(events.size).toBe(6);
    for (const i of [5, 7])
      expect(
        new Set(articles.filter((a) => eventOfTitle(a.title) === i).map((a) => events.get(a.id)!.event)).size,
      ).toBe(1);
    const latest = await store.latestEvents(2, 10);
    expect(latest.map((e) => e.size)).toEqual([3, 3]);
    const reports = await store.eventArticles(latest[0]!.id);
    expect(reports.map((a) => a.published.getTime())).toEqual(
      reports.map((a) => a.published.getTime()).sort((a, b) => b - a),
    );
    expect(await store.eventArticles(latest[0]!.id, 1, 2)).toEqual([reports[2]]);
    const { first, last } = latest[0]!;
    expect((await store.eventsBetween(first, last, 10)).length).toBe(2);
    expect(
      await store.eventsBetween(new Date(last.getTime() + 86_400_000), new Date(last.getTime() + 2 * 86_400_000), 10),
    ).toEqual([]);
    const joined = [...events.values()].find((m) => m.article !== m.event)!;
    expect(joined.score).toBeGreaterThan(0.25);
    expect(joined.shared.length).toBeGreaterThan(0);
    expect(joined.terms.length).toBeGreaterThan(10);
  });

  it('a deleted article leaves its event', async () => {
    await refresh(store, `sources:\n${writeEventFeeds(dir, [5])}`, dir);
    const [one] = await store.articles({ limit: 1 });
    const event = (await store.eventMemberships([one!.id])).get(one!.id)!.event;
    await store.deleteArticles([one!.id], new Date());
    expect(await store.eventMemberships([one!.id])).toEqual(new Map());
    expect(await store.eventArticles(event)).toHaveLength(2);
  });

  it('with events off, nothing is grouped', async () => {
    await refresh(store, `dedupe: {events: {enabled: false}}\nsources:\n${writeEventFeeds(dir, [5])}`, dir);
    expect(await store.latestEvents(1, 10)).toEqual([]);
  });
});

describe('sqlite', () => {
  it('finds events by time through the index on their latest report', async () => {
    const store = (await openStore(join(tempDir(), 't.db'))) as SqliteStore;
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM events WHERE last >= 1 AND first <= 2 ORDER BY last DESC LIMIT 10')
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX events_last \(last>\?\)/);
    await store.close();
  });
});
