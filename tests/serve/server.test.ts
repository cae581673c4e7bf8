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
  `site: {title: Test, baseUrl: "https://feeds.example.org", itemsPerPage: 2}\nsources:\n  - {name: world, type: seeds, path: s, title: World desk}\n  - {name: empty, type: seeds, path: e}\n`,
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
  await storeEntries(
    store,
    'world',
    [entry(1, ['Pakistan', 'Iran']), entry(2, ['Pakistan']), entry(3, ['São Paulo'])],
    new Date('2024-02-01T00:00:00Z'),
  );
  ids = (await store.articles()).map((a) => a.id);
  const cache = new SiteCache((path, limit) => {
    renders += 1;
    return renderPath({ config, store, log: silentLogger, search: true }, path, limit);
  });
  const handler = createHandler({
    cache,
    metrics: new Metrics(),
    log: silentLogger,
    maxAge: () => 900,
    feedSize: () => config.site.itemsPerFeed,
    databaseOk: async () => true,
    lastRefresh: () => ({ at: new Date('2024-02-01T00:00:00Z'), ok: true, sources: 2, failed: 0 }),
    refreshing: () => ({ started: new Date('2024-02-01T00:15:00Z'), done: 12, total: 24, failed: 1 }),
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
    ['/sources/world', 'text/html; charset=utf-8', 'href="../sources/world.atom"'],
    ['/page/2', 'text/html; charset=utf-8', 'Story &lt;1&gt; &amp; co'],
    ['/page/2.html', 'text/html; charset=utf-8', 'rel="prev" href="../index.html"'],
    ['/tags', 'text/html; charset=utf-8', 'href="tags/pakistan.html"'],
    ['/sources.html', 'text/html; charset=utf-8', 'World desk'],
    ['/search?q=story', 'text/html; charset=utf-8', 'Story &lt;2&gt; &amp; co'],
    [
      '/search.rss?q=story&tag=iran',
      'application/rss+xml; charset=utf-8',
      'https://feeds.example.org/search.rss?q=story&amp;tag=iran',
    ],
    ['/style.css', 'text/css; charset=utf-8', 'prefers-color-scheme:dark'],
    ['/favicon.ico', 'image/svg+xml', '<svg'],
    ['/subscriptions.opml', 'text/x-opml; charset=utf-8', 'xmlUrl="https://feeds.example.org/tags/pakistan.rss"'],
  ])('GET %s', async (url, type, snippet) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toContain(snippet);
    expect(res.headers['cache-control']).toBe('public, max-age=900');
  });

  it('the front page is the river: the newest stories, itemsPerPage of them, and a link to older ones', async () => {
    const body = (await get('/')).body;
    expect([...body.matchAll(/<h3><a href="articles\/(\w+)\.html">/g)].map((m) => m[1])).toEqual(ids.slice(0, 2));
    expect(body).toContain('<link rel="next" href="page/2.html">');
    expect(body).toContain('<a href="sources/world.html">World desk</a>');
    expect(body).toContain('<a href="tags/s%C3%A3o-paulo.html">São Paulo</a>');
    expect((await get('/page/3')).statusCode).toBe(404);
  });

  it("/tags counts each tag; /sources says each source's status", async () => {
    expect((await get('/tags')).body).toMatch(/Pakistan<\/a> <span class="meta">2 · /);
    expect((await get('/sources')).body).toMatch(/World desk<\/a> <span class="meta">3 · never checked/);
  });

  it('feeds take filters: ?tag=a,b (any), ?source, ?not, with or without q', async () => {
    const titles = async (url: string) =>
      (await new Parser().parseString((await get(url)).body)).items.map((i) => i.title);
    expect(await titles('/all.rss?tag=iran,s%C3%A3o-paulo')).toEqual(['Story <3> & co', 'Story <1> & co']);
    expect(await titles('/search.rss?q=story&not=2')).toEqual(['Story <3> & co', 'Story <1> & co']);
    expect(await titles('/tags/pakistan.rss?not=1')).toEqual(['Story <2> & co']);
    expect(await titles('/sources/world.rss?source=empty')).toEqual([]);
    expect(await titles('/search.rss?source=world&tag=pakistan')).toEqual(['Story <2> & co', 'Story <1> & co']);
  });

  it('a search it cannot read: a friendly page, and a 400 for its feed', async () => {
    // Only a query without a word is unreadable: the others are read as peers read them (issue 20).
    const page = await get('/search?q=%28%22');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tidings cannot read the search');
    const feed = await get('/search.rss?q=NOT%20AND');
    expect(feed.statusCode).toBe(400);
    expect(feed.body).toMatch(/^bad search query: /);
  });

  it('a search is paginated, and one query is one cached file however it is spelled', async () => {
    const first = await get('/search?q=story');
    expect(first.body).toContain(
      '<form action="search" method="get" role="search"><input type="search" name="q" value="story"',
    );
    expect(first.body).toContain('rel="next" href="search.html?q=story&amp;page=2"');
    expect((await get('/search?q=story&page=2')).body).toContain('rel="prev" href="search.html?q=story"');
    const before = renders;
    await get('/search.rss?tag=pakistan,iran&q=story');
    await get('/search.rss?q=story&tag=iran&tag=pakistan&utm_source=x');
    expect(renders - before).toBe(1);
  });

  it('an address ending in / is sent to the one without, where relative links hold', async () => {
    const res = await get('/tags/pakistan/?x=1');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/tags/pakistan?x=1');
    expect((await get('//evil.example/')).statusCode).toBe(404);
  });

  it('an article page: escaped title, content, tags, sources, no script', async () => {
    const res = await get(`/articles/${ids[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Story &lt;3&gt; &amp; co</h1>');
    expect(res.body).toContain('<p>Story 3</p>');
    expect(res.body).toContain('href="../sources/world.html">World desk</a>');
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
    // A tick under way is on it too (issue 20.3: a 27-minute-old lastRefresh during a long tick said nothing).
    expect(health.json()).toEqual({
      ok: true,
      database: 'ok',
      lastRefresh: { at: '2024-02-01T00:00:00.000Z', ok: true, sources: 2, failed: 0 },
      refreshing: { since: '2024-02-01T00:15:00.000Z', done: 12, total: 24, failed: 1 },
    });
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
    expect((await get('/all.atom', { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).statusCode).toBe(
      200,
    );
    // Only HTTP dates count (RFC 9110 §5.6.7), in each of the three forms; anything else is ignored.
    for (const later of [
      'Thu, 01 Jan 2099 00:00:00 GMT',
      'Wednesday, 01-Jan-70 00:00:00 GMT',
      'Thu Jan  1 00:00:00 2099',
    ]) {
      expect((await get('/all.atom', { 'if-modified-since': later })).statusCode, later).toBe(304);
    }
    // A two-digit year over 50 years ahead is the last century's: before the newest article.
    expect((await get('/all.atom', { 'if-modified-since': 'Friday, 01-Jan-99 00:00:00 GMT' })).statusCode).toBe(200);
    for (const junk of [
      '2031',
      'tomorrow',
      '2099-01-01T00:00:00Z',
      'Thu, 31 Feb 2099 00:00:00 GMT',
      'Thu, 01 Jan 2099 00:00:00 +0000',
    ]) {
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
    // A 404 is the site's own short page (issue 20); the other errors are a line.
    expect(res.body.length).toBeLessThan(status === 404 ? 2000 : 400);
  });

  it('a 404 does not repeat the request back', async () => {
    for (const url of ['/x%00y%3Cscript%3E', '/tags/%3Cb%3Enope.rss']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('<h1>Not found</h1>');
      expect(res.body).not.toMatch(/<script|<b>|nope/);
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE'] as const)('%s → 405 with Allow', async (method) => {
    const res = await request(app.url, { method, url: '/all.rss' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
