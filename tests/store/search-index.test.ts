// The full-text index is written in batches: search always sees every stored article, edits and
// deletes included, and articles queued when a process dies are indexed by the next one.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/model.js';
import { storeEntries } from '../../src/refresh.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { finished, tempDir } from '../helpers.js';

const entry = (identity: string, title: string, text: string): Entry =>
  finished({
    identity,
    title,
    published: new Date(Date.UTC(2025, 0, 1)),
    summary: text,
    content: `<p>${text}</p>`,
    tags: [],
    enclosures: [],
  });

let file: string;
let store: SqliteStore;
beforeEach(async () => {
  file = join(tempDir(), 't.db');
  store = new SqliteStore(file);
  await store.upsertSource({ name: 's', type: 'file', location: 's' }, new Date(), 0);
});
afterEach(() => store.close());

const found = async (s: SqliteStore, query: string) =>
  (await s.filterArticles({ query, limit: 20 })).map((a) => a.identity).sort();
const indexed = (s: SqliteStore) =>
  s.db.prepare("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zebra OR yak OR walrus'").pluck().get();
const pending = (s: SqliteStore) => s.db.prepare('SELECT count(*) FROM search_pending').pluck().get();

describe('full-text index in batches', () => {
  it('queues new articles and indexes them before a search', async () => {
    await storeEntries(
      store,
      's',
      [entry('a', 'Zebra crossing', 'A zebra crossed.'), entry('b', 'Yak', 'A yak grazed.')],
      new Date(),
    );
    expect(pending(store)).toBe(2);
    expect(indexed(store)).toBe(0);
    expect(await found(store, 'zebra')).toEqual(['a']);
    expect(pending(store)).toBe(0);
    expect(indexed(store)).toBe(2);
  });

  it('follows edits and deletes, whether or not the batch was written in between', async () => {
    await storeEntries(
      store,
      's',
      [entry('a', 'Zebra', 'A zebra crossed.'), entry('b', 'Yak', 'A yak grazed.')],
      new Date(),
    );
    await storeEntries(store, 's', [entry('a', 'Walrus', 'A walrus swam.')], new Date()); // edited before the batch
    expect(await found(store, 'zebra')).toEqual([]);
    expect(await found(store, 'walrus')).toEqual(['a']);
    await storeEntries(store, 's', [entry('b', 'Zebra again', 'The zebra is back.')], new Date()); // edited after it
    expect(await found(store, 'yak')).toEqual([]);
    expect(await found(store, 'zebra')).toEqual(['b']);
    await storeEntries(store, 's', [entry('c', 'Yak', 'A yak again.')], new Date());
    await store.deleteArticles(
      (await store.articles()).filter((a) => a.identity !== 'a').map((a) => a.id),
      new Date(),
    );
    expect(pending(store)).toBe(0);
    expect(await found(store, 'zebra OR yak OR walrus')).toEqual(['a']);
  });

  it('indexes what a process queued and never wrote (it died) from the stored articles', async () => {
    await storeEntries(store, 's', [entry('a', 'Zebra', 'A zebra crossed.')], new Date());
    store.db.close(); // no flush: the process is gone
    store = new SqliteStore(file);
    expect(pending(store)).toBe(1);
    expect(await found(store, 'crossed')).toEqual(['a']);
  });

  it('writes the batch when the store closes', async () => {
    await storeEntries(store, 's', [entry('a', 'Zebra', 'A zebra crossed.')], new Date());
    await store.close();
    store = new SqliteStore(file);
    expect(pending(store)).toBe(0);
    expect(indexed(store)).toBe(1);
  });
});
