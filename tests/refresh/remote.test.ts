// Remote sources through refreshSource: fetch state kept in SQLite, one failure never stops the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import { refreshSource } from '../../src/refresh.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { FIXTURES, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { forEachStore, freshStore } from '../stores.js';

const RSS = readFileSync(join(FIXTURES, 'feeds/rss2.xml'));
const LAST_MODIFIED = 'Fri, 19 Jan 2024 08:00:00 GMT';
const CP1251 = Buffer.from(
  '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новости</title><item><title>Привет</title><guid>1</guid></item></channel></rss>'
    .split('')
    .map((c) =>
      c.charCodeAt(0) < 128
        ? c.charCodeAt(0)
        : 0xc0 + 'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя'.indexOf(c),
    ),
);

let changing = RSS;
let server: Awaited<ReturnType<typeof startServer>>;
let store: Store;
const work = new WorkerPool();
let now: Date;

beforeAll(async () => {
  server = await startServer({
    '/etag.xml': (req, res) =>
      req.headers['if-none-match'] === '"abc"'
        ? res.writeHead(304).end()
        : res.writeHead(200, { etag: '"abc"', 'cache-control': 'max-age=600' }).end(RSS),
    '/modified.xml': (req, res) =>
      req.headers['if-modified-since'] === LAST_MODIFIED
        ? res.writeHead(304).end()
        : res.writeHead(200, { 'last-modified': LAST_MODIFIED }).end(RSS),
    '/old': (_req, res) => res.writeHead(301, { location: '/new.xml' }).end(),
    '/new.xml': (_req, res) => res.writeHead(200).end(RSS),
    // No validators: the same bytes at every fetch, until `changing` changes.
    '/changing.xml': (_req, res) => res.writeHead(200).end(changing),
    '/elsewhere': (_req, res) => res.writeHead(302, { location: '/new.xml' }).end(),
    '/busy': (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end(),
    '/gone': (_req, res) => res.writeHead(410).end(),
    // Issue 25: a 304 to a request that sent no validator; XML served as octet-stream.
    '/always-304': (_req, res) => res.writeHead(304).end(),
    '/octet': (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(RSS),
    '/page.html': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><html><head><link rel="alternate" type="application/atom+xml" href="/feed.atom"><link rel="alternate" type="application/rss+xml" href="https://other.example/rss"></head><body></body></html>',
        ),
    '/plain.html': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Hello</body></html>'),
    // The header says windows-1251, the prolog says utf-8: the header wins.
    '/cp1251.xml': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/xml; charset=windows-1251' })
        .end(Buffer.from(CP1251.toString('latin1').replace('windows-1251', 'utf-8'), 'latin1')),
  });
});
afterAll(async () => {
  await server.close();
  await work.close();
});

function configWith(sources: string, fetchExtra = ''): Config {
  return parseConfig(
    `fetch:\n  allowPrivateNetworks: true\n${fetchExtra}sources:\n${sources}`,
    join(tempDir(), 'tidings.yaml'),
  );
}
const feed = (name: string, path: string) => `  - {name: ${name}, type: feed, url: "${server.origin}${path}"}\n`;

forEachStore((kind) => {
  beforeEach(async () => {
    store = await freshStore(kind);
    now = new Date('2030-01-01T00:00:00Z');
  });
  afterEach(() => store.close());

  const deps = (config: Config) => ({ config, store, work, log: silentLogger, now: () => now });

  describe('anomalies (issue 25)', () => {
    it('records a 304 to a request without validators as a failure of the source', async () => {
      const config = configWith(feed('a', '/always-304'));
      const result = await refreshSource(config.sources[0]!, deps(config));
      const message = `fetch: HTTP 304 Not Modified from ${server.origin}/always-304 to a request without validators: the server sent no document`;
      expect(result).toMatchObject({ ok: false, error: message });
      expect(await store.fetchState('a')).toMatchObject({ lastError: message, consecutiveErrors: 1 });
    });

    it('reads XML served as application/octet-stream, and says so', async () => {
      const config = configWith(feed('a', '/octet'));
      const result = await refreshSource(config.sources[0]!, deps(config));
      expect(result).toMatchObject({ ok: true, new: 2 });
      expect(result.warnings).toEqual([
        'a: served as application/octet-stream, read as rss 2.0 (a feed is served as XML or JSON)',
      ]);
    });
  });

  describe('conditional GET', () => {
    it.each([
      ['ETag', '/etag.xml', 'if-none-match', '"abc"'],
      ['Last-Modified', '/modified.xml', 'if-modified-since', LAST_MODIFIED],
    ])('200 then 304 by %s', async (_what, path, header, value) => {
      const config = configWith(feed('a', path));
      const first = await refreshSource(config.sources[0]!, deps(config));
      expect(first).toMatchObject({ ok: true, new: 2 });
      now = new Date('2030-01-01T01:00:00Z');
      const second = await refreshSource(config.sources[0]!, deps(config));
      expect(second).toMatchObject({ ok: true, notModified: true, new: 0, updated: 0, unchanged: 0 });
      expect(server.hits.get(path)!.at(-1)!.headers[header]).toBe(value);
      const state = (await store.fetchState('a'))!;
      expect(state.lastStatus).toBe(304);
      expect(state.lastCheck).toEqual(now);
      expect(state.ttlMinutes).toBe(60); // kept from the 200
      expect(await store.count('articles')).toBe(2);
    });

    it('normalizes what it stores: canonical links, sanitized content, tags, enclosures', async () => {
      const config = configWith(feed('a', '/etag.xml'));
      await refreshSource(config.sources[0]!, deps(config));
      const [second, first] = await store.articles({ source: 'a' });
      expect(first).toMatchObject({
        identity: 'story-1',
        title: 'First story',
        link: 'https://news.example.org/1?id=1',
        summary: 'The first story.',
      });
      expect(first!.tags.map((t) => t.label)).toEqual(['World', 'Politics']);
      expect(second).toMatchObject({
        identity: 'https://news.example.org/2',
        author: 'Jo Writer',
        content: '<p>The <b>second</b> story.</p>',
      });
      expect(second!.enclosures).toEqual([{ url: 'https://news.example.org/2.mp3', type: 'audio/mpeg', length: 1234 }]);
      expect((await store.fetchState('a'))!.cacheUntil).toEqual(new Date('2030-01-01T00:10:00Z'));
    });
  });

  describe('the same bytes again', () => {
    it('are not parsed again, without validators too; new bytes, or new source settings, are', async () => {
      changing = RSS;
      const config = configWith(feed('a', '/changing.xml'));
      expect(await refreshSource(config.sources[0]!, deps(config))).toMatchObject({ ok: true, new: 2 });
      const again = await refreshSource(config.sources[0]!, deps(config));
      expect(again).toMatchObject({ ok: true, notModified: true, new: 0, updated: 0, unchanged: 0 });
      expect((await store.fetchState('a'))!.ttlMinutes).toBe(60); // the feed's <ttl>, kept though not read again
      // Other tags for the source: its entries are read again (and found unchanged).
      const tagged = configWith(`  - {name: a, type: feed, url: "${server.origin}/changing.xml", tags: [extra]}\n`);
      expect(await refreshSource(tagged.sources[0]!, deps(tagged))).toMatchObject({ ok: true, updated: 2 });
      changing = Buffer.from(RSS.toString().replace('First story', 'First story, corrected'));
      expect(await refreshSource(tagged.sources[0]!, deps(tagged))).toMatchObject({
        ok: true,
        updated: 1,
        unchanged: 1,
      });
      expect(await refreshSource(tagged.sources[0]!, deps(tagged))).toMatchObject({ ok: true, notModified: true });
    });
  });

  describe('redirects', () => {
    it('301 updates the stored URL; the next fetch goes straight there', async () => {
      const config = configWith(feed('a', '/old'));
      await refreshSource(config.sources[0]!, deps(config));
      expect((await store.fetchState('a'))!.url).toBe(`${server.origin}/new.xml`);
      const hits = server.hits.get('/old')!.length;
      await refreshSource(config.sources[0]!, deps(config));
      expect(server.hits.get('/old')!.length).toBe(hits);
    });

    it('302 does not', async () => {
      const config = configWith(feed('a', '/elsewhere'));
      await refreshSource(config.sources[0]!, deps(config));
      expect((await store.fetchState('a'))!.url).toBe(`${server.origin}/elsewhere`);
    });
  });

  describe('statuses', () => {
    it('429 with Retry-After waits, and says so', async () => {
      const config = configWith(feed('a', '/busy'));
      const r = await refreshSource(config.sources[0]!, deps(config));
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/HTTP 429/);
      expect(await store.fetchState('a')).toMatchObject({
        nextFetch: new Date('2030-01-01T01:00:00Z'),
        consecutiveErrors: 1,
        lastStatus: 429,
      });
      const hits = server.hits.get('/busy')!.length;
      const again = await refreshSource(config.sources[0]!, deps(config));
      expect(again.skipped).toMatch(/asked to wait until 2030-01-01T01:00:00/);
      expect(server.hits.get('/busy')!.length).toBe(hits);
    });

    it('410 marks the source gone until it is enabled again', async () => {
      const config = configWith(feed('a', '/gone'));
      await refreshSource(config.sources[0]!, deps(config));
      expect((await store.fetchState('a'))!.gone).toBe(true);
      expect((await refreshSource(config.sources[0]!, deps(config))).skipped).toMatch(/^gone/);
      await store.enableSource('a');
      expect((await refreshSource(config.sources[0]!, deps(config))).error).toMatch(/410/);
    });

    it('an HTML page is "not a feed" and names the feeds it links to', async () => {
      const config = configWith(feed('a', '/page.html') + feed('b', '/plain.html'));
      const [a, b] = await refreshAll(deps(config));
      expect(a!.error).toBe(
        `not a feed: an HTML page that links to the feeds ${server.origin}/feed.atom, https://other.example/rss`,
      );
      expect(b!.error).toBe('not a feed: an HTML page without feed links');
    });

    it('the Content-Type charset wins over the XML declaration', async () => {
      const config = configWith(feed('a', '/cp1251.xml'));
      await refreshSource(config.sources[0]!, deps(config));
      expect((await store.articles())[0]!.title).toBe('Привет');
    });
  });

  describe('one bad source never stops the others', () => {
    it('keeps stored articles and records the error on the failing source', async () => {
      const dir = tempDir();
      writeTree(dir, { 'news.xml': RSS });
      const ok = configWith(
        `${feed('remote', '/etag.xml')}  - {name: local, type: file, path: ${join(dir, 'news.xml')}}\n`,
      );
      await refreshAll(deps(ok));
      expect(await store.count('articles')).toBe(4);
      writeTree(dir, { 'news.xml': '<rss><channel><item><title>broken' });
      const results = await refreshAll(
        deps(configWith(`${feed('remote', '/gone')}  - {name: local, type: file, path: ${join(dir, 'news.xml')}}\n`)),
      );
      expect(results.map((r) => r.ok)).toEqual([false, true]);
      expect(results[1]!.warnings[0]).toMatch(/ill-formed/);
      expect(await store.count('articles')).toBe(5); // the remote's two stay; the repaired file adds "broken"
      expect(await store.fetchState('remote')).toMatchObject({
        lastStatus: 410,
        consecutiveErrors: 1,
        lastError: expect.stringMatching(/410/),
      });
    });

    it('runs at most perHost fetches against one host at a time', async () => {
      let active = 0;
      let peak = 0;
      const slow = await startServer({
        '/f.xml': (_req, res) => {
          active += 1;
          peak = Math.max(peak, active);
          setTimeout(() => {
            active -= 1;
            res.writeHead(200).end(RSS);
          }, 50);
        },
      });
      try {
        const sources = [1, 2, 3, 4, 5]
          .map((i) => `  - {name: s${i}, type: feed, url: "${slow.origin}/f.xml?${i}"}\n`)
          .join('');
        const results = await refreshAll(deps(configWith(sources, '  perHost: 2\n')));
        expect(results.every((r) => r.ok)).toBe(true);
        expect(peak).toBe(2);
      } finally {
        await slow.close();
      }
    });
  });
});
