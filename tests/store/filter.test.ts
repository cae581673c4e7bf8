// The read side's queries for the site, on every store: pages of a list (offset), any query as a
// list (filterArticles: search, tags, source, not), and a story's carriers for many articles at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { SearchQueryError } from '../../src/errors.js';
import { storeEntries } from '../../src/refresh.js';
import type { Store } from '../../src/store/store.js';
import { fingerprinted, madeUpText } from '../helpers.js';
import { forEachStore, freshStore } from '../stores.js';

const dedupe = parseConfig('', '/x.yaml').dedupe;
const day = (n: number) => Date.UTC(2025, 0, n, 12);
const text = madeUpText(11);

/** An entry with tags, published on day n of January 2025. */
function entry(identity: string, title: string, body: string, n: number, tags: string[] = []) {
  return { ...fingerprinted(identity, title, body, day(n)), tags: tags.map((t) => ({ slug: t, label: t })) };
}

forEachStore((kind) => {
  let store: Store;
  const shared = `${text(80)}`;
  beforeEach(async () => {
    store = await freshStore(kind);
    for (const [i, name] of ['city', 'wire'].entries())
      await store.upsertSource({ name, type: 'file', location: name }, new Date(), i);
    await storeEntries(
      store,
      'city',
      [
        entry('c1', 'Tram line opens', `The new tram line to the docks opened. ${text(30)}`, 1, ['transit']),
        entry('c2', 'Bus lanes on the bridge', `Bus lanes, and a tram stop moved. ${text(30)}`, 2, [
          'transit',
          'roads',
        ]),
        entry('c3', 'Library reopens', `The library reopened with a garden. ${text(30)}`, 3, ['culture']),
        entry('c4', 'Harbour strike ends', shared, 4, ['port']),
      ],
      new Date(),
      dedupe,
    );
    // The same story from another source: one story, two carriers.
    await storeEntries(
      store,
      'wire',
      [
        entry('w1', 'Harbour strike ends', shared, 4, ['port']),
        entry('w2', 'Ferry timetable', `The ferry runs hourly. ${text(30)}`, 5, ['transit']),
      ],
      new Date(),
      dedupe,
    );
  });
  afterEach(() => store.close());

  const ids = (articles: { identity: string }[]) => articles.map((a) => a.identity);

  describe('pages of a list', () => {
    it('offset pages through the site, a tag and a source, newest first, each story once', async () => {
      expect(ids(await store.articles({ stories: true }))).toEqual(['w2', 'c4', 'c3', 'c2', 'c1']);
      expect(ids(await store.articles({ stories: true, limit: 2, offset: 2 }))).toEqual(['c3', 'c2']);
      expect(ids(await store.articles({ stories: true, tag: 'transit', limit: 2, offset: 1 }))).toEqual(['c2', 'c1']);
      expect(ids(await store.articles({ source: 'city', limit: 3, offset: 3 }))).toEqual(['c1']);
      expect(await store.articles({ stories: true, limit: 5, offset: 5 })).toEqual([]);
    });
  });

  describe('filterArticles', () => {
    // w1 and c4 share a publication time, so where both are found their order is the store's: those
    // rows compare as sets ('any order').
    it.each([
      [{ query: 'tram' }, ['c1', 'c2'], 'in order'],
      [{ query: 'tram', order: 'newest' as const }, ['c2', 'c1'], 'in order'],
      [{ tags: ['culture', 'port'] }, ['w1', 'c4', 'c3'], 'any order'],
      [{ tags: ['transit'], source: 'wire' }, ['w2'], 'in order'],
      [{ tag: 'transit', tags: ['roads', 'culture'] }, ['c2'], 'in order'],
      [{ tags: ['transit'], not: ['bus'] }, ['w2', 'c1'], 'in order'],
      [{ query: 'tram OR ferry', not: ['bus', 'docks'], order: 'newest' as const }, ['w2'], 'in order'],
      [{ source: 'city', limit: 2, offset: 1 }, ['c3', 'c2'], 'in order'],
      [{}, ['w2', 'w1', 'c4', 'c3', 'c2', 'c1'], 'any order'],
    ])('%j', async (filter, expected, order) => {
      const found = ids(await store.filterArticles(filter));
      if (order === 'in order') expect(found).toEqual(expected);
      else expect(found.sort()).toEqual([...expected].sort());
    });

    it('ranks a title match first', async () => {
      expect(ids(await store.filterArticles({ query: 'tram' }))).toEqual(['c1', 'c2']);
    });

    it('refuses a query it cannot read, in the query or in not', async () => {
      await expect(store.filterArticles({ query: 'NOT bus' })).rejects.toBeInstanceOf(SearchQueryError);
      await expect(store.filterArticles({ not: ['(tram'] })).rejects.toBeInstanceOf(SearchQueryError);
    });
  });

  describe('storyCarriers', () => {
    it('gives each article its story, earliest first; an unknown id gets none', async () => {
      const [w1] = await store.filterArticles({ source: 'wire', tags: ['port'] });
      const [c3] = await store.filterArticles({ tags: ['culture'] });
      const carriers = await store.storyCarriers([w1!.id, c3!.id, 'nope']);
      expect(
        carriers
          .get(w1!.id)!
          .map((a) => a.source)
          .sort(),
      ).toEqual(['city', 'wire']);
      expect(ids(carriers.get(c3!.id)!)).toEqual(['c3']);
      expect(carriers.get('nope')).toEqual([]);
      expect((await store.storyCarriers([])).size).toBe(0);
    });
  });
});
