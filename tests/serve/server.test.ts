// The HTTP layer, over a real socket on 127.0.0.1: the one request path readers take.
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { Entry } from '../../src/model.js';
import { storeEntries } from '../../src/refresh.js';
import { Metrics } from '../../src/serve/metrics.js';
import { createHandler, listen, type Listening } from '../../src/serve/server.js';
import { SiteCache } from '../../src/serve/site-cache.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { request } from '../helpers-http.js';

const config = parseConfig(
  `site: {title: Test, baseUrl: "https://feeds.example.org"}\nsources:\n  - {name: world, type: seeds, path: s, title: World desk}\n  - {name: empty, type: seeds, path: e}\n`,
  '/tmp/tidings.yaml',
);

function entry(n: number, tags: string[]): Entry {
  return finished({
    identity: `doc-${n}`,
    title: `Story <${n}> & co`,
    published: new Date(Date.UTC(2024, 0, n, 12)),
    summary: `Summary ${n}`,
    content: `<p>Story ${n}</p>`,
    tags: tags.map((t) => ({ slug: t.toLowerCase().replace(/ /g, '-'), label: t })),
    enclosures: [],
  });
}

let store: Store;
let app: Listening;
let renders = 0;
let ids: string[];

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.upsertSource({ name: 'world', type: 'seeds', location: 's' }, new Date(), 0);
  await storeEntries(store, 'world', [entry(1, ['Pakistan', 'Iran']), entry(2, ['Pakistan']), entry(3, ['São Paulo'])], new Date('2024-02-01T00:00:00Z'));
  ids = (await store.articles()).map((a) => a.id);
  const cache = new SiteCache((path, limit) => {
    renders += 1;
    return renderPath({ config, store, log: silentLogger }, path, limit);
  });
  const handler = createHandler({
    cache,
    metrics: new Metrics(),
    log: silentLogger,
    maxAge: () => 900,
    feedSize: () => config.site.itemsPerFeed,
    databaseOk: async () => true,
    lastRefresh: () => ({ at: new Date('2024-02-01T00:00:00Z'), ok: true, sources: 2, failed: 0 }),
  });
  app = await listen(handler, '127.0.0.1', 0);
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string, headers: Record<string, string> = {}) => request(app.url, { method: 'GET', url, headers });

describe('routes', () => {
  it.each([
    ['/all.rss', 'application/rss+xml; charset=utf-8', '<rss'],
    ['/all.atom', 'application/atom+xml; charset=utf-8', '<feed'],
    ['/all.json', 'application/feed+json; charset=utf-8', '"version": "https://jsonfeed.org/version/1.1"'],
    ['/tags/pakistan.rss', 'application/rss+xml; charset=utf-8', 'Test · Pakistan'],
    ['/tags/s%C3%A3o-paulo.atom', 'application/atom+xml; charset=utf-8', 'Test · São Paulo'],
    ['/sources/world.json', 'application/feed+json; charset=utf-8', 'Test · World desk'],
    ['/sources/empty.rss', 'application/rss+xml; charset=utf-8', '<channel>'],
    ['/', 'text/html; charset=utf-8', '<link rel="alternate" type="application/rss+xml"'],
    ['/tags/pakistan', 'text/html; charset=utf-8', 'Story &lt;2&gt; &amp; co'],
    ['/sources/world', 'text/html; charset=utf-8', 'href="https://feeds.example.org/sources/world.atom"'],
    ['/subscriptions.opml', 'text/x-opml; charset=utf-8', 'xmlUrl="https://feeds.example.org/tags/pakistan.rss"'],
  ])('GET %s', async (url, type, snippet) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(snippet);
    expect(res.headers['cache-control']).toBe('public, max-age=900');
  });

  it('the index lists every tag with its count and every source with its status', async () => {
    const body = (await get('/')).body;
    expect(body).toMatch(/Pakistan<\/a> <span class="meta">\(2\)<\/span>/);
    expect(body).toContain('World desk');
    expect(body).toContain('not fetched yet');
  });

  it('an article page: escaped title, content, tags, sources, no script', async () => {
    const res = await get(`/articles/${ids[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Story &lt;3&gt; &amp; co</h1>');
    expect(res.body).toContain('<p>Story 3</p>');
    expect(res.body).toContain('href="https://feeds.example.org/sources/world">World desk</a>');
    expect(res.body).not.toContain('<script');
  });

  it('feeds parse back, newest first, and ?limit=N cuts them', async () => {
    const feed = await new Parser().parseString((await get('/tags/pakistan.rss')).body);
    expect(feed.items.map((i) => i.title)).toEqual(['Story <2> & co', 'Story <1> & co']);
    const limited = JSON.parse((await get('/all.json?limit=1')).body);
    expect(limited.items).toHaveLength(1);
  });

  it('/healthz and /metrics', async () => {
    const health = await get('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true, database: 'ok', lastRefresh: { at: '2024-02-01T00:00:00.000Z', ok: true, sources: 2, failed: 0 } });
    const metrics = await get('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/tidings_http_requests_total\{route="\/all\.rss",status="200"\} \d+/);
  });
});

describe('caching', () => {
  it('304 by ETag, by date, and If-None-Match wins over If-Modified-Since', async () => {
    const first = await get('/all.atom');
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(lastModified).toBe('Wed, 03 Jan 2024 12:00:00 GMT'); // the newest article
    expect((await get('/all.atom', { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get('/all.atom', { 'if-none-match': `"other", ${etag}` })).statusCode).toBe(304);
    expect((await get('/all.atom', { 'if-modified-since': lastModified })).statusCode).toBe(304);
    expect((await get('/all.atom', { 'if-modified-since': 'Tue, 02 Jan 2024 00:00:00 GMT' })).statusCode).toBe(200);
    expect((await get('/all.atom', { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).statusCode).toBe(200);
    // Only HTTP dates count (RFC 9110 §5.6.7), in each of the three forms; anything else is ignored.
    for (const later of ['Thu, 01 Jan 2099 00:00:00 GMT', 'Wednesday, 01-Jan-70 00:00:00 GMT', 'Thu Jan  1 00:00:00 2099']) {
      expect((await get('/all.atom', { 'if-modified-since': later })).statusCode, later).toBe(304);
    }
    // A two-digit year over 50 years ahead is the last century's: before the newest article.
    expect((await get('/all.atom', { 'if-modified-since': 'Friday, 01-Jan-99 00:00:00 GMT' })).statusCode).toBe(200);
    for (const junk of ['2031', 'tomorrow', '2099-01-01T00:00:00Z', 'Thu, 31 Feb 2099 00:00:00 GMT', 'Thu, 01 Jan 2099 00:00:00 +0000']) {
      expect((await get('/all.atom', { 'if-modified-since': junk })).statusCode, junk).toBe(200);
    }
    const notModified = await get('/all.atom', { 'if-none-match': etag });
    expect(notModified.body).toBe('');
    expect(notModified.headers.etag).toBe(etag);
  });

  it('HEAD answers the headers without a body', async () => {
    const res = await request(app.url, { method: 'HEAD', url: '/all.rss' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(res.headers.etag).toBe((await get('/all.rss')).headers.etag);
  });

  it('gzip and br when accepted, precompressed, same bytes', async () => {
    const plain = (await get('/all.rss')).rawPayload;
    const gz = await get('/all.rss', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(plain)).toBe(true);
    const br = await get('/all.rss', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).equals(plain)).toBe(true);
    expect((await get('/all.rss', { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get('/all.rss', { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    expect(gz.headers.vary).toBe('Accept-Encoding');
  });

  it('renders a feed once until the cache is invalidated', async () => {
    const before = renders;
    await get('/tags/iran.rss');
    await get('/tags/iran.rss');
    await get('/tags/iran.rss', { 'accept-encoding': 'gzip' });
    expect(renders - before).toBe(1);
  });
});

describe('bad requests', () => {
  it.each([
    ['/tags/nope.rss', 404],
    ['/tags/nope', 404],
    ['/sources/nope.atom', 404],
    ['/articles/0000000000000000', 404],
    ['/all.xml', 404],
    ['/tags/..%2F..%2Fetc%2Fpasswd', 404],
    ['/../../etc/passwd', 404],
    ['/tags/pakistan.rss?limit=0', 400],
    ['/tags/pakistan.rss?limit=201', 400],
    ['/all.json?limit=abc', 400],
    [`/tags/${'a'.repeat(3000)}.rss`, 414],
  ])('GET %s → %i', async (url, status) => {
    const res = await get(url);
    expect(res.statusCode).toBe(status);
    expect(res.body.length).toBeLessThan(400);
  });

  it('a 404 does not repeat the request back', async () => {
    for (const url of ['/x%00y%3Cscript%3E', '/tags/%3Cb%3Enope.rss']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe('not found\n');
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE'] as const)('%s → 405 with Allow', async (method) => {
    const res = await request(app.url, { method, url: '/all.rss' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
