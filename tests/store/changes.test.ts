// The store's change sequence, and what a reader sees while a write transaction is open: on every store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { forEachStore } from '../stores.js';

const entry = (identity: string, title = identity) =>
  finished({
    identity,
    title,
    published: new Date(Date.UTC(2025, 0, 1)),
    summary: title,
    content: `<p>${title}</p>`,
    tags: [],
    enclosures: [],
  });

forEachStore((kind) => {
  let location: string;
  let store: Store;
  beforeEach(async () => {
    location = await kind.location();
    store = await openStore(location);
    await store.upsertSource({ name: 's', type: 'seeds', location: 's' }, new Date(), 0);
  });
  afterEach(() => store.close());

  describe('the change sequence', () => {
    it('moves with each committed change of what the site shows, not with a refresh that changed nothing', async () => {
      const start = await store.changes();
      await storeEntries(store, 's', [entry('a')], new Date());
      const added = await store.changes();
      expect(added.seq).toBe(start.seq + 1);
      await storeEntries(store, 's', [entry('a')], new Date());
      expect((await store.changes()).seq).toBe(added.seq);
      await storeEntries(store, 's', [entry('a', 'edited')], new Date());
      expect((await store.changes()).seq).toBe(added.seq + 1);
      await store.deleteArticles(
        (await store.articles()).map((a) => a.id),
        new Date(),
      );
      expect((await store.changes()).seq).toBe(added.seq + 2);
      await store.noteChange();
      expect((await store.changes()).seq).toBe(added.seq + 3);
    });

    it('moves `checked` when a fetch outcome is recorded, and seq when a source is enabled again', async () => {
      const before = await store.changes();
      await store.recordFailure('s', new Date(), { error: 'HTTP 410', gone: true });
      await store.recordSuccess('s', new Date(), {});
      const after = await store.changes();
      expect(after).toEqual({ seq: before.seq, checked: before.checked + 2 });
      await store.enableSource('s');
      expect((await store.changes()).seq).toBe(before.seq + 1);
    });

    it('sees what another connection (another process) committed', async () => {
      const before = await store.changes();
      const other = await openStore(location);
      await storeEntries(other, 's', [entry('b')], new Date());
      await other.close();
      expect((await store.changes()).seq).toBe(before.seq + 1);
      expect(await store.count('articles')).toBe(1);
    });

    it('a rolled-back ingest moves nothing', async () => {
      const before = await store.changes();
      await expect(
        store.ingest(async (tx) => {
          const plan = await tx.plan('s', [entry('c')], new Date());
          await tx.write(plan, { fresh: [{ keys: [] }], edited: [] }, new Date());
          throw new Error('the feed broke half-way');
        }),
      ).rejects.toThrow('half-way');
      expect(await store.changes()).toEqual(before);
      expect(await store.count('articles')).toBe(0);
    });
  });

  describe('reads during an ingest', () => {
    it('see only what is committed, while the transaction lets the event loop run', async () => {
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      let written!: () => void;
      const wrote = new Promise<void>((ok) => (written = ok));
      const ingest = store.ingest(async (tx) => {
        const plan = await tx.plan('s', [entry('d')], new Date());
        await tx.write(plan, { fresh: [{ keys: [] }], edited: [] }, new Date());
        written();
        await gate; // the transaction is open, written, not committed
      });
      await wrote;
      expect(await store.count('articles')).toBe(0);
      expect(await store.articles()).toEqual([]);
      release();
      await ingest;
      expect(await store.count('articles')).toBe(1);
    });

    it('a large ingest pauses for the event loop between chunks', async () => {
      const entries = Array.from({ length: 1000 }, (_, i) => entry(`e${i}`));
      let served = false;
      setImmediate(() => (served = true)); // a request that arrives as the ingest starts
      const counts = await storeEntries(store, 's', entries, new Date());
      // Without a pause, the ingest would have finished (and this line run) before the callback.
      expect(served).toBe(true);
      expect(counts.new).toBe(1000);
    });
  });
});
