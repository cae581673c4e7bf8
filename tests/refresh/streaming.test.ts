// A feed's entries flow to the store batch by batch, within the source's one transaction: what is
// normalized and not yet stored never holds the whole feed (observed through the work and the
// store, injected), and a shutdown in the middle stores nothing of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { Entry } from '../../src/model.js';
import { refreshSource } from '../../src/refresh.js';
import type { Store } from '../../src/store/store.js';
import { inThread, type Work } from '../../src/work/pool.js';
import { tempDir } from '../helpers.js';
import { freshStore, STORE_KINDS } from '../stores.js';

const COUNT = 1_000;
/** Entries normalized in a batch (refresh.ts's BATCH) and batches made ahead of the one being stored (AHEAD). */
const BATCH = 250;
const AHEAD = 2;

/** An RSS feed of `count` items, newest first, a minute apart. */
function feed(count: number): string {
  const item = (i: number) =>
    `<item><guid>e${i}</guid><title>Entry ${i}</title><pubDate>${new Date(Date.UTC(2024, 0, 1) - i * 60_000).toUTCString()}</pubDate><description>&lt;p&gt;Entry ${i} says ${i}.&lt;/p&gt;</description></item>`;
  return `<rss version="2.0"><channel><title>T</title>${Array.from({ length: count }, (_, i) => item(i + 1)).join('')}</channel></rss>`;
}

/** The work and the store of a refresh, watched: entries normalized, entries planned, and what was between them at most. */
function watched(store: Store, onPlan: (planned: number) => void = () => undefined) {
  const inner = inThread();
  const seen = { normalized: 0, planned: 0, mostHeld: 0 };
  const work: Work = {
    run: async <T>(...args: Parameters<Work['run']>) => {
      const out = await inner.run<T>(...args);
      const done = (out as { done?: Entry[] }).done;
      if (done) seen.normalized += done.length;
      seen.mostHeld = Math.max(seen.mostHeld, seen.normalized - seen.planned);
      return out;
    },
    close: () => inner.close(),
  };
  const ingest: Store['ingest'] = (job) =>
    store.ingest((tx) =>
      job({
        ...tx,
        plan: (source, entries, now) => {
          seen.planned += entries.length;
          onPlan(seen.planned);
          return tx.plan(source, entries, now);
        },
      }),
    );
  return { work, store: Object.assign(Object.create(store) as Store, { ingest }), seen };
}

function fileSource(count: number) {
  const dir = tempDir();
  writeFileSync(join(dir, 'feed.xml'), feed(count));
  return parseConfig('sources:\n  - {name: f, type: file, path: feed.xml}\n', join(dir, 't.yaml'));
}

describe('a large feed', () => {
  it('is stored batch by batch: what is normalized and not yet stored is never more than the batch being stored and those made ahead', async () => {
    const config = fileSource(COUNT);
    const store = await freshStore(STORE_KINDS[0]!);
    try {
      const { work, store: seenStore, seen } = watched(store);
      const result = await refreshSource(config.sources[0]!, { config, store: seenStore, work, log: silentLogger });
      expect(result).toMatchObject({ ok: true, new: COUNT });
      expect(seen).toMatchObject({ normalized: COUNT, planned: COUNT });
      expect(seen.mostHeld).toBeLessThanOrEqual((AHEAD + 1) * BATCH);
      // Stored oldest first across batches too: the feed's last entry first.
      const first = (await store.articles({ limit: COUNT })).sort(
        (a, b) => a.published.getTime() - b.published.getTime(),
      );
      expect(first[0]!.title).toBe(`Entry ${COUNT}`);
    } finally {
      await store.close();
    }
  });

  it('stops at shutdown part way through: the transaction rolls back, nothing of it is stored', async () => {
    const config = fileSource(COUNT);
    const store = await freshStore(STORE_KINDS[0]!);
    const shutdown = new AbortController();
    try {
      const { work, store: seenStore } = watched(store, (planned) => planned >= BATCH && shutdown.abort());
      const result = await refreshSource(config.sources[0]!, {
        config,
        store: seenStore,
        work,
        log: silentLogger,
        signal: shutdown.signal,
      });
      expect(result).toMatchObject({ ok: false, error: 'f: stopped (shutting down)' });
      expect(await store.articles({ source: 'f' })).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
