// Full-text search through the store's interface, on every store: one query language, titles
// ranked above text, in step with edits and deletes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEntries } from '../../src/refresh.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { forEachStore, freshStore } from '../stores.js';

const entry = (identity: string, title: string, body: string) =>
  finished({
    identity,
    title,
    published: new Date(Date.UTC(2025, 0, Number(identity.replace(/\D/g, '')) || 1)),
    summary: body,
    content: `<p>${body}</p>`,
    tags: [],
    enclosures: [],
  });

forEachStore((kind) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(kind);
    await store.upsertSource({ name: 's', type: 'file', location: 's' }, new Date(), 0);
    await storeEntries(
      store,
      's',
      [
        entry('a1', 'Tram line opens', 'The new tram line to the docks opened on Monday.'),
        entry('a2', 'Bus lanes', 'Bus lanes on the bridge, and a tram stop moved.'),
        entry('a3', 'Iranian ambassador expelled', 'The foreign ministry said the ambassador must leave.'),
        entry('a4', 'Market hall', 'A foreign delegation visited the ministry of markets.'),
      ],
      new Date(),
    );
  });
  afterEach(() => store.close());

  const found = async (query: string) => (await store.filterArticles({ query, limit: 20 })).map((a) => a.identity);

  describe('search', () => {
    it.each([
      ['tram', ['a1', 'a2']],
      ['"foreign ministry"', ['a3']],
      ['iran*', ['a3']],
      ['tram -bus', ['a1']],
      ['tram AND NOT bus*', ['a1']],
      ['docks OR ambassador', ['a1', 'a3']],
      ['(bridge OR docks) tram', ['a1', 'a2']],
    ])('%s', async (query, identities) => {
      expect((await found(query)).sort()).toEqual(identities);
    });

    it('ranks a match in the title above one in the text', async () => {
      expect(await found('tram')).toEqual(['a1', 'a2']);
      expect(await found('bus')).toEqual(['a2']);
    });

    it('follows edits and deletes', async () => {
      await storeEntries(
        store,
        's',
        [entry('a1', 'Ferry line opens', 'The new ferry to the docks opened on Monday.')],
        new Date(),
      );
      expect(await found('tram')).toEqual(['a2']);
      expect(await found('ferry')).toEqual(['a1']);
      await store.deleteArticles([(await store.filterArticles({ query: 'ferry' }))[0]!.id], new Date());
      expect(await found('ferry')).toEqual([]);
    });

    it('folds the diacritics of Latin letters, both ways, and keeps other scripts whole', async () => {
      await storeEntries(store, 's', [entry('a5', 'São Paulo élection', 'Выборы в Москве.')], new Date());
      expect(await found('sao paulo')).toEqual(['a5']);
      expect(await found('Election')).toEqual(['a5']);
      expect(await found('séo')).toEqual([]);
      expect(await found('выборы')).toEqual(['a5']);
    });

    it('never matches a phrase across the end of the title and the start of the text', async () => {
      expect(await found('"opens the"')).toEqual([]);
      expect(await found('"line opens"')).toEqual(['a1']);
      expect(await found('"the docks"')).toEqual(['a1']);
    });

    it('refuses a query it cannot read, saying why in words', async () => {
      await expect(store.filterArticles({ query: '"unclosed' })).rejects.toThrow(/quote/);
      await expect(store.filterArticles({ query: 'NOT bus' })).rejects.toThrow(/nothing to search for|NOT/);
    });
  });
});
