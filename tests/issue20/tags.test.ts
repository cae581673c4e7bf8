// Issue 20, point 6: tags sprawled to 597, 422 of them on one article; "World", "World news" and
// "worldNews" side by side; verbs and function words from headline hashtags ("in", "The", "gets",
// "expels"); tagAliases never reached stored articles, and no source could be read again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/lib/text.js';
import { toTags } from '../../src/normalize/tags.js';
import { headlineTags } from '../../src/parse/headline-tags.js';
import { parseSeed } from '../../src/parse/seed.js';
import { retagStored, storeEntries } from '../../src/refresh.js';
import { renderPath } from '../../src/site.js';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { forEachStore, freshStore } from '../stores.js';
import { HAS_SEED, runCli, SEED, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { entry } from './site.js';

describe('tags are folded by case and separators', () => {
  it.each([
    ['World news', 'world-news'],
    ['worldNews', 'world-news'],
    ['World_News', 'world-news'],
    ['WORLD-NEWS', 'world-news'],
    ['world  news', 'world-news'],
    ['iPhone', 'iphone'],
    ['JavaScript', 'javascript'],
    ['Javascript', 'javascript'],
  ])('%s → %s', (label, slug) => expect(slugify(label)).toBe(slug));

  it('one tag for "World news", "worldNews" and "world-news"; aliases match whatever the spelling of their key', () => {
    expect(toTags(['World news', 'worldNews', 'world-news'])).toEqual([{ slug: 'world-news', label: 'World news' }]);
    expect(toTags(['worldNews', 'Iranian'], { 'World News': 'World', Iranian: 'Iran' })).toEqual([
      { slug: 'world', label: 'World' },
      { slug: 'iran', label: 'Iran' },
    ]);
  });
});

describe('headline hashtags', () => {
  it.each([
    [
      ['Pakistan', 'expels', 'Iranian', 'ambassador'],
      ['Pakistan', 'Iranian'],
    ],
    [['The', 'Mayor', 'gets', 'in', 'trouble'], ['Mayor']],
    [['Riverside', 'library', 'reopens', 'after_renovation'], ['Riverside']],
    [['Aletsch', 'glacier', 'loses', '60_metres'], ['Aletsch']],
    [
      ['Mayor', 'unveils', 'protected', 'bike_lanes'],
      ['Mayor', 'bike_lanes'],
    ],
    [
      ['کراچی', 'میں', 'بارش'],
      ['کراچی', 'میں', 'بارش'],
    ],
    [['climate', 'The'], ['climate']],
    [
      ['Trump', 'Says', "Obama's", 'Plan', 'Failed'],
      ['Trump', 'Obama', 'Plan', 'Failed'],
    ],
  ])('%j → tags %j', (hashtags, tags) => expect(headlineTags(hashtags)).toEqual(tags));

  it('every seed of the bundled samples and the shared seed: no verb or function word is a tag', () => {
    const root = join(__dirname, '../../feeds/seeds');
    const files = ['city/', 'science/', 'wire/'].flatMap((d) => readdirFiles(join(root, d)));
    const seeds = [...files, ...(HAS_SEED ? [SEED] : [])];
    const tags = seeds.flatMap((f) =>
      parseSeed(readFileSync(f), f, f, { timezone: 'UTC', titleFrom: 'hashtags' }).entry.tags.map((t) => t.term),
    );
    expect(tags.length).toBeGreaterThan(10);
    for (const word of [
      'expels',
      'reopens',
      'approves',
      'unveils',
      'gets',
      'holds',
      'loses',
      'soar',
      'after_renovation',
      'at_record_pace',
      '60_metres',
      'glass',
    ])
      expect(tags).not.toContain(word);
    // Pakistan and Iranian are the shared seed's (absent in a clone without ../shared).
    for (const name of [
      ...(HAS_SEED ? ['Pakistan', 'Iranian'] : []),
      'Riverside',
      'Aletsch',
      'flood_barrier',
      'Market_hall',
    ])
      expect(tags).toContain(name);
  });
});

function readdirFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => join(dir, f));
}

forEachStore((kind) => {
  describe('tagAliases reach stored articles', () => {
    it('re-tags every stored article, merging spellings, and the tag counts follow', async () => {
      const store = await freshStore(kind);
      try {
        await store.upsertSource({ name: 'desk', type: 'seeds', location: 'd' }, new Date(), 0);
        await storeEntries(
          store,
          'desk',
          [
            entry({
              identity: 'a',
              tags: [
                { slug: 'worldnews', label: 'worldNews' },
                { slug: 'iranian', label: 'Iranian' },
              ],
            }),
            entry({ identity: 'b', tags: [{ slug: 'world-news', label: 'World news' }] }),
            entry({ identity: 'c', tags: [{ slug: 'iran', label: 'Iran' }] }),
          ],
          new Date(),
        );
        expect(await retagStored(store, { tagAliases: { iranian: 'iran' } })).toBe(1); // a: worldNews and Iranian
        expect((await store.tagCounts()).map((t) => [t.slug, t.label, t.count])).toEqual([
          ['iran', 'Iran', 2],
          ['world-news', 'World news', 2],
        ]);
        expect(await store.tag('iranian')).toBeUndefined();
        expect(await retagStored(store, { tagAliases: { iranian: 'iran' } })).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
});

describe('single-use tags', () => {
  it('are left out of /tags and the OPML unless site.minTagArticles asks for them; their pages stay', async () => {
    const { openStore } = await import('../../src/store/open-store.js');
    const store = await openStore(':memory:');
    await store.upsertSource({ name: 'desk', type: 'seeds', location: 'd' }, new Date(), 0);
    await storeEntries(
      store,
      'desk',
      [
        entry({
          identity: 'a',
          tags: [
            { slug: 'iran', label: 'Iran' },
            { slug: 'expels', label: 'expels' },
          ],
        }),
        entry({ identity: 'b', tags: [{ slug: 'iran', label: 'Iran' }] }),
      ],
      new Date(),
    );
    const render = async (yaml: string, path: string) =>
      (await renderPath({ config: parseConfig(yaml, '/tmp/t.yaml'), store, log: silentLogger }, path))?.body ?? '';
    const plain = 'site: {baseUrl: "https://n.example"}\nsources: [{name: desk, type: seeds, path: d}]\n';
    const every =
      'site: {baseUrl: "https://n.example", minTagArticles: 1}\nsources: [{name: desk, type: seeds, path: d}]\n';
    expect(await render(plain, 'tags.html')).toContain('>Iran</a>');
    expect(await render(plain, 'tags.html')).not.toContain('expels');
    expect(await render(plain, 'subscriptions.opml')).not.toContain('expels');
    expect(await render(every, 'tags.html')).toContain('>expels</a>');
    expect(await render(every, 'subscriptions.opml')).toContain('tags/expels.rss');
    expect(await render(plain, 'tags/expels.html')).toContain('<h1>expels</h1>');
    await store.close();
  });
});

describe('tidings refresh --force', () => {
  it('reads a feed that answers 304 again in full, so new tagAliases reach its articles', async () => {
    const feed =
      '<rss version="2.0"><channel><title>Wire</title><item><title>Envoy expelled</title><guid>https://w.example/1</guid><category>Iranian</category></item></channel></rss>';
    const server = await startServer({
      '/feed.xml': (req, res) =>
        req.headers['if-none-match'] === '"v1"'
          ? res.writeHead(304).end()
          : res.writeHead(200, { etag: '"v1"', 'content-type': 'application/rss+xml' }).end(feed),
    });
    const dir = tempDir();
    const yaml = (aliases: string) =>
      `tagAliases: {${aliases}}\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: wire, type: feed, url: "${server.origin}/feed.xml"}\n`;
    const args = ['--config', join(dir, 't.yaml'), '--db', join(dir, 't.db')];
    const tags = async () =>
      JSON.parse((await runCli(['articles', '--json', ...args])).out.split('\n')[0]!).tags.map(
        (t: { label: string }) => t.label,
      );
    try {
      writeTree(dir, { 't.yaml': yaml('') });
      const first = await runCli(['refresh', ...args]);
      expect(first.out + first.err).toContain('wire: 1 new');
      writeTree(dir, { 't.yaml': yaml('iranian: Iran') });
      expect((await runCli(['refresh', ...args])).out).toContain('wire: not modified');
      expect(await tags()).toEqual(['Iranian']); // the trial: aliases never reached what was stored
      const forced = await runCli(['refresh', '--force', ...args]);
      expect(forced.out).toContain('re-tagged 1 stored article with the tag rules and tagAliases');
      expect(forced.out).toContain('wire: 0 new, 1 updated'); // read again and normalized anew, not skipped
      expect(server.hits.get('/feed.xml')!.at(-1)!.headers['if-none-match']).toBeUndefined();
      expect(await tags()).toEqual(['Iran']);
    } finally {
      await server.close();
    }
  });
});

describe('the daemon, given new tagAliases', () => {
  it('re-tags the stored articles when it reloads the configuration', async () => {
    const { startDaemon } = await import('../helpers-daemon.js');
    const dir = tempDir();
    const yaml = (aliases: string) =>
      `schedule: "0 0 1 1 *"\ntagAliases: {${aliases}}\nsources:\n  - {name: s, type: seeds, path: seeds}\n`;
    writeTree(dir, { 't.yaml': yaml(''), 'seeds/a.txt': 'Text.\n2024-01-18 11:08:24\n#Iranian #climate\n' });
    const daemon = await startDaemon(['--config', join(dir, 't.yaml'), '--db', join(dir, 't.db')]);
    try {
      await daemon.waitFor(/refreshed 1 source/);
      writeTree(dir, { 't.yaml': yaml('iranian: Iran') });
      await daemon.waitFor(/tagAliases changed: re-tagged 1 stored article/);
      await daemon.waitFor(/configuration reloaded/);
      expect(await (await fetch(`${daemon.url}/tags/iran.rss`)).text()).toContain('<category>Iran</category>');
    } finally {
      await daemon.stop();
    }
  });
});
