// Upgrades reach stored articles (issue 26): articles an older normalizer made (here, one that let
// a script through) are normalized again at the next refresh of their source, even when the feed
// answers 304 to its validators or a seed document is unchanged; once, and doctor counts them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import type { Entry } from '../../src/model.js';
import { contentHash, normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { NORMALIZER } from '../../src/normalize/normalizer-version.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { refreshSource, storeEntries, type RefreshDeps } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { forEachStore } from '../stores.js';

const RSS = readFileSync(join(FIXTURES, 'feeds/rss2.xml'));
const OLD = NORMALIZER.version - 1;
const NOW = new Date('2030-01-01T00:00:00Z');

let server: Awaited<ReturnType<typeof startServer>>;
const work = new WorkerPool();

beforeAll(async () => {
  server = await startServer({
    '/feed.xml': (req, res) =>
      req.headers['if-none-match'] === '"v1"'
        ? res.writeHead(304).end()
        : res.writeHead(200, { etag: '"v1"' }).end(RSS),
  });
});
afterAll(async () => {
  await server.close();
  await work.close();
});

/**
 * What an older normalizer stored of the feed: the same entries, with a script it let through, and
 * the raw hashes it stored (so that only the normalizer's version tells them from a new read).
 */
async function holeyEntries(rawHashes: Record<string, string>): Promise<Entry[]> {
  const { entries } = normalizeFeed(await parseFeed(RSS), { now: NOW, normalizer: OLD });
  return entries.map((e) => {
    const { contentHash: _h, ...rest } = {
      ...e,
      content: `${e.content}<script>steal()</script>`,
      rawHash: rawHashes[e.identity],
    };
    return { ...rest, contentHash: contentHash(rest) };
  });
}

forEachStore((kind) => {
  let dir: string;
  let db: string;
  let config: Config;
  let store: Store;
  const deps = (normalizer?: number): RefreshDeps => ({
    config,
    store,
    work,
    log: silentLogger,
    now: () => NOW,
    normalizer,
  });
  const doctor = () => runCli(['doctor', '--config', join(dir, 'tidings.yaml'), '--db', db]);
  const refreshAll = async (normalizer?: number) =>
    Promise.all(config.sources.map((s) => refreshSource(s, deps(normalizer))));
  const contents = async (source: string) => (await store.articles({ source })).map((a) => a.content);

  beforeEach(async () => {
    dir = tempDir();
    db = kind.name === 'sqlite' ? join(dir, 't.db') : await kind.location();
    writeTree(dir, {
      'tidings.yaml': `fetch:\n  allowPrivateNetworks: true\nsources:\n  - {name: news, type: feed, url: "${server.origin}/feed.xml"}\n  - {name: notes, type: seeds, path: seeds}\n`,
      'seeds/a.txt': 'The council approved the new tram line.\n2024-01-18 10:00:00\n#Riverside #tram\n',
      'seeds/b.txt': 'Heavy rain flooded the old market hall.\n2024-01-19 10:00:00\n#Riverside #flood\n',
    });
    config = loadConfig(join(dir, 'tidings.yaml'));
    store = await openStore(db);
    // Read by the older Tidings: its validators and document stamps recorded, its articles stored.
    expect(await refreshAll(OLD)).toMatchObject([
      { ok: true, new: 2 },
      { ok: true, new: 2 },
    ]);
    const stored = await store.rawHashes('news');
    expect(Object.keys(stored)).toHaveLength(2);
    await storeEntries(store, 'news', await holeyEntries(stored), NOW);
    expect(await store.rawHashes('news')).toEqual(stored);
    expect((await contents('news')).every((c) => c.includes('<script>'))).toBe(true);
  });
  afterEach(() => store.close());

  it('normalizes every stored article again once, through a 304 and unchanged seed documents; doctor counts down to 0', async () => {
    expect(await store.olderArticles(NORMALIZER.version)).toEqual({ articles: 4, notInFeeds: 0 });
    expect(await store.olderArticles(OLD)).toEqual({ articles: 0, notInFeeds: 0 });
    await store.close();
    const before = await doctor();
    expect(before.out).toContain(
      `note: stored articles an older Tidings normalized: 4 (normalizer ${NORMALIZER.version} is this one's); the next refresh of their sources normalizes them again\n`,
    );
    expect(before.code).toBe(0);

    store = await openStore(db);
    const [news, notes] = await refreshAll();
    // The feed is fetched without its validators (else it answers 304), and both entries are read again.
    expect(server.hits.get('/feed.xml')!.at(-1)!.headers['if-none-match']).toBeUndefined();
    expect(news).toMatchObject({ ok: true, updated: 2, unchanged: 0 });
    expect((await contents('news')).some((c) => c.includes('<script>'))).toBe(false);
    // The seed documents are read again: unchanged, and now recorded as this normalizer's.
    expect(notes).toMatchObject({ ok: true, new: 0, updated: 0, unchanged: 2 });
    expect(await store.olderArticles(NORMALIZER.version)).toEqual({ articles: 0, notInFeeds: 0 });

    // Once: the next refresh sends the validators again.
    const [again] = await refreshAll();
    expect(again).toMatchObject({ notModified: true });
    expect(server.hits.get('/feed.xml')!.at(-1)!.headers['if-none-match']).toBe('"v1"');
    await store.close();
    const after = await doctor();
    expect(after.out).toContain(
      `ok: every stored article is normalized by this Tidings (normalizer ${NORMALIZER.version})`,
    );
    expect(after.out).not.toContain('older Tidings');
    store = await openStore(db);
  });

  describe('an article whose entry left its feed', () => {
    it('stays as the older normalizer made it, and doctor says so', async () => {
      const [gone] = await holeyEntries({});
      await storeEntries(store, 'news', [{ ...gone!, identity: 'gone-from-the-feed' }], NOW);
      await refreshAll();
      expect(await store.olderArticles(NORMALIZER.version)).toEqual({ articles: 1, notInFeeds: 1 });
      await store.close();
      expect((await doctor()).out).toContain('stored articles an older Tidings normalized: 1 (normalizer');
      expect((await doctor()).out).toContain('but for 1 no longer in their feeds, which stay as stored');
      store = await openStore(db);
    });
  });

  it('keeps the version of an article that full text edited without normalizing it again', async () => {
    const [first] = await store.articles({ source: 'news' });
    const { id: _i, source: _s, story: _st, ...article } = first!;
    const edit = { ...article, content: '<p>Full text.</p>', text: 'Full text.', contentHash: 'edited' };
    await refreshAll();
    expect(await store.olderArticles(NORMALIZER.version)).toEqual({ articles: 0, notInFeeds: 0 });
    expect(await storeEntries(store, 'news', [edit], NOW)).toMatchObject({ updated: 1 });
    expect(await store.olderArticles(NORMALIZER.version)).toEqual({ articles: 0, notInFeeds: 0 });
  });
});
