// The near-duplicate index through the store's interface, on every store: candidates across the
// week boundary of the index and within the window only; keys that follow edits and deletes; keys
// another connection wrote.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { fingerprinted, madeUpText } from '../helpers.js';
import { forEachStore } from '../stores.js';

const dedupe = parseConfig('', '/x.yaml').dedupe;
const START = Date.UTC(2025, 0, 1);

const text = madeUpText(7);
const entry = fingerprinted;

forEachStore((kind) => {
  let location: string;
  let store: Store;
  beforeEach(async () => {
    location = await kind.location();
    store = await openStore(location);
    for (const name of ['a', 'b'])
      await store.upsertSource({ name, type: 'file', location: name }, new Date(), name === 'a' ? 0 : 1);
  });
  afterEach(() => store.close());

  const storyOf = async (source: string, identity: string) => {
    const article = (await store.articles({ source })).find((a) => a.identity === identity)!;
    return (await store.storyLink(article.id))!.story;
  };

  describe('the near-duplicate index', () => {
    it('finds a near duplicate published in the next week of the index, within the window only', async () => {
      // 1970-01-01 was a Thursday: weeks of the index start on Thursdays at 00:00 UTC.
      const weekStart = Date.UTC(2025, 0, 2);
      const body = text(120);
      const title = text(6);
      await storeEntries(store, 'a', [entry('a', title, body, weekStart - 3_600_000)], new Date(), dedupe);
      await storeEntries(
        store,
        'b',
        [entry('b', title, `${text(10)} ${body.split(' ').slice(0, 110).join(' ')}`, weekStart + 3_600_000)],
        new Date(),
        dedupe,
      );
      expect(await storyOf('b', 'b')).toBe(await storyOf('a', 'a'));
      await storeEntries(
        store,
        'b',
        [entry('c', title, `${text(10)} ${body}`, weekStart + 5 * 86_400_000)],
        new Date(),
        dedupe,
      );
      expect(await storyOf('b', 'c')).not.toBe(await storyOf('a', 'a'));
    });

    it('an edited article is found by its new text, not its old; a deleted one is found no more', async () => {
      const [first, second, third] = [text(100), text(100), text(100)];
      await storeEntries(
        store,
        'a',
        [entry('x', 'Title', first, START), entry('y', 'Other', third, START)],
        new Date(),
        dedupe,
      );
      await storeEntries(store, 'a', [entry('x', 'Title', second, START)], new Date(), dedupe); // edited in place
      await storeEntries(
        store,
        'b',
        [entry('old', 'Title', `${text(8)} ${first}`, START), entry('new', 'Title', `${text(8)} ${second}`, START)],
        new Date(),
        dedupe,
      );
      expect(await storyOf('b', 'new')).toBe(await storyOf('a', 'x'));
      expect(await storyOf('b', 'old')).not.toBe(await storyOf('a', 'x'));
      const y = (await store.articles({ source: 'a' })).find((a) => a.identity === 'y')!;
      await store.deleteArticles([y.id], new Date());
      await storeEntries(store, 'b', [entry('copy', 'Other', `${text(8)} ${third}`, START)], new Date(), dedupe);
      const copy = (await store.articles({ source: 'b' })).find((a) => a.identity === 'copy')!;
      expect((await store.storyLink(copy.id))!.rule).toBeUndefined();
    });

    it('sees what another connection (another process) indexed', async () => {
      const body = text(120);
      const title = text(6);
      await storeEntries(store, 'a', [entry('z', text(6), text(120), START)], new Date(), dedupe); // this connection has looked
      const other = await openStore(location);
      await storeEntries(other, 'a', [entry('a', title, body, START)], new Date(), dedupe);
      await other.close();
      await storeEntries(store, 'b', [entry('b', title, `${text(10)} ${body}`, START + 3_600_000)], new Date(), dedupe);
      expect(await storyOf('b', 'b')).toBe(await storyOf('a', 'a'));
    });
  });
});
