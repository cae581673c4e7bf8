// The full-text index is written in batches: search always sees every stored article, edits and
// deletes included, and articles queued when a process dies are indexed by the next one.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/model.js';
import { openDatabase } from '../../src/store/open-store.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers.js';

const entry = (identity: string, title: string, text: string): Entry => ({
  identity,
  title,
  published: new Date(Date.UTC(2025, 0, 1)),
  summary: text,
  content: `<p>${text}</p>`,
  tags: [],
  enclosures: [],
});

let file: string;
let store: Store;
beforeEach(() => {
  file = join(tempDir(), 't.db');
  store = new Store(openDatabase(file));
  store.upsertSource({ name: 's', type: 'file', location: 's' }, new Date());
});
afterEach(() => store.close());

const found = (s: Store, query: string) => s.search(query).map((a) => a.identity).sort();
const indexed = (s: Store) => s.db.prepare("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zebra OR yak OR walrus'").pluck().get();
const pending = (s: Store) => s.db.prepare('SELECT count(*) FROM search_pending').pluck().get();

describe('full-text index in batches', () => {
  it('queues new articles and indexes them before a search', () => {
    store.ingest('s', [entry('a', 'Zebra crossing', 'A zebra crossed.'), entry('b', 'Yak', 'A yak grazed.')], new Date());
    expect(pending(store)).toBe(2);
    expect(indexed(store)).toBe(0);
    expect(found(store, 'zebra')).toEqual(['a']);
    expect(pending(store)).toBe(0);
    expect(indexed(store)).toBe(2);
  });

  it('follows edits and deletes, whether or not the batch was written in between', () => {
    store.ingest('s', [entry('a', 'Zebra', 'A zebra crossed.'), entry('b', 'Yak', 'A yak grazed.')], new Date());
    store.ingest('s', [entry('a', 'Walrus', 'A walrus swam.')], new Date()); // edited before the batch
    expect(found(store, 'zebra')).toEqual([]);
    expect(found(store, 'walrus')).toEqual(['a']);
    store.ingest('s', [entry('b', 'Zebra again', 'The zebra is back.')], new Date()); // edited after it
    expect(found(store, 'yak')).toEqual([]);
    expect(found(store, 'zebra')).toEqual(['b']);
    store.ingest('s', [entry('c', 'Yak', 'A yak again.')], new Date());
    store.deleteArticles(store.listArticles().filter((a) => a.identity !== 'a').map((a) => a.id), new Date());
    expect(pending(store)).toBe(0);
    expect(found(store, 'zebra OR yak OR walrus')).toEqual(['a']);
  });

  it('indexes what a process queued and never wrote (it died) from the stored articles', () => {
    store.ingest('s', [entry('a', 'Zebra', 'A zebra crossed.')], new Date());
    store.db.close(); // no flush: the process is gone
    store = new Store(openDatabase(file));
    expect(pending(store)).toBe(1);
    expect(found(store, 'crossed')).toEqual(['a']);
  });

  it('writes the batch when the store closes', () => {
    store.ingest('s', [entry('a', 'Zebra', 'A zebra crossed.')], new Date());
    store.close();
    store = new Store(openDatabase(file));
    expect(pending(store)).toBe(0);
    expect(indexed(store)).toBe(1);
  });
});
