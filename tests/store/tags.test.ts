// Tags in the store: each tag's label is its most frequent spelling, and its count the number of
// its articles, whatever order the spellings came in, one ingest at a time or many in one.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Tag } from '../../src/model.js';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { forEachStore } from '../stores.js';

const tags = (...labels: string[]): Tag[] => labels.map((label) => ({ slug: label.toLowerCase(), label }));
const entry = (identity: string, t: Tag[], title = identity) =>
  finished({
    identity,
    title,
    published: new Date(Date.UTC(2025, 0, 1)),
    summary: title,
    content: `<p>${title}</p>`,
    tags: t,
    enclosures: [],
  });

forEachStore((kind) => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(await kind.location());
    await store.upsertSource({ name: 's', type: 'seeds', location: 's' }, new Date(), 0);
  });
  afterEach(() => store.close());

  it('labels by the most frequent spelling and counts articles, within one ingest and across them', async () => {
    await storeEntries(
      store,
      's',
      [entry('a', tags('Iran', 'Oil')), entry('b', tags('IRAN')), entry('c', tags('IRAN', 'Oil'))],
      new Date(),
    );
    expect(await store.tagCounts()).toEqual([
      { slug: 'iran', label: 'IRAN', count: 3 },
      { slug: 'oil', label: 'Oil', count: 2 },
    ]);
    // Edits take their old spellings away: b and c now say "Iran", and c has lost "Oil".
    await storeEntries(store, 's', [entry('b', tags('Iran'), 'b2'), entry('c', tags('Iran'), 'c2')], new Date());
    expect(await store.tagCounts()).toEqual([
      { slug: 'iran', label: 'Iran', count: 3 },
      { slug: 'oil', label: 'Oil', count: 1 },
    ]);
    expect(
      await store.deleteArticles(
        (await store.articles({ tag: 'oil' })).map((a) => a.id),
        new Date(),
      ),
    ).toBe(1);
    expect(await store.tagCounts()).toEqual([{ slug: 'iran', label: 'Iran', count: 2 }]);
    expect(await store.count('article_tags')).toBe(2);
  });
});
