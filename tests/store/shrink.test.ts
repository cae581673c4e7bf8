// SQLite: a purge gives its pages back to the file system, so the file shrinks (auto_vacuum).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import { finished, madeUpText, tempDir } from '../helpers.js';

it('a database file shrinks when its articles are purged', async () => {
  const file = join(tempDir(), 't.db');
  const words = madeUpText(7);
  const entries = Array.from({ length: 1500 }, (_, i) =>
    finished({
      identity: `e${i}`,
      title: `Story ${i}`,
      published: new Date(Date.UTC(2025, 0, 1, 0, i)),
      summary: words(30),
      content: `<p>${words(600)}</p>`,
      tags: [],
      enclosures: [],
    }),
  );
  let store = await openStore(file);
  await store.upsertSource({ name: 's', type: 'seeds', location: 's' }, new Date(), 0);
  await storeEntries(store, 's', entries, new Date());
  await store.close(); // checkpoints the log into the file
  const full = statSync(file).size;
  store = await openStore(file);
  expect(
    await store.deleteArticles(
      (await store.articles({ limit: 10_000 })).map((a) => a.id),
      new Date(),
    ),
  ).toBe(1500);
  await store.close();
  expect(full).toBeGreaterThan(5 * 1024 * 1024);
  expect(statSync(file).size).toBeLessThan(full / 4);
});
