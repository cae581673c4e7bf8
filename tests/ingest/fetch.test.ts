import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.js';
import { fetchFeed, isPrivateAddress, type FetchDeps } from '../../src/ingest/fetch.js';
import { cacheUntil, retryAfter } from '../../src/ingest/http-facts.js';
import { FIXTURES } from '../helpers.js';
import { startServer } from '../helpers-http.js';

const RSS = readFileSync(join(FIXTURES, 'feeds/rss2.xml'));
const open: FetchDeps = { userAgent: 'Tidings/test', limits: { allowPrivateNetworks: true } };

let server: Awaited<ReturnType<typeof startServer>>;
let origin: string;
// 64 MiB of spaces, gzipped to about 64 KiB.
const BOMB = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
const BIG_GZIP = zlib.gzipSync(Buffer.from(randomBytes(2 * 1024 * 1024).toString('base64')));

beforeAll(async () => {
  server = await startServer({
    '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS),
    '/gzip.xml': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(RSS)),
    '/br.xml': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(RSS)),
    '/deflate.xml': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(RSS)),
    // What some servers send as deflate: the raw stream, without the zlib header RFC 9110 asks for.
    '/raw-deflate.xml': (_req, res) =>
      res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(RSS)),
    '/loop-a': (_req, res) => res.writeHead(302, { location: '/loop-b' }).end(),
    '/loop-b': (_req, res) => res.writeHead(302, { location: '/loop-a' }).end(),
    '/hop1': (_req, res) => res.writeHead(301, { location: '/hop2' }).end(),
    '/hop2': (_req, res) => res.writeHead(308, { location: '/feed.xml' }).end(),
    '/temp': (_req, res) => res.writeHead(302, { location: '/feed.xml' }).end(),
    '/mixed': (_req, res) => res.writeHead(301, { location: '/temp' }).end(),
    '/slow': (_req, res) => {
      res.writeHead(200);
      res.write('<rss>');
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    },
    '/endless': (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    },
    '/bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(BOMB),
    // Issue 25: a compressed body over the cap, even compressed (random text compresses little).
    '/big-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(BIG_GZIP),
    '/gzip-gzip.xml': (_req, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip, gzip' }).end(zlib.gzipSync(zlib.gzipSync(RSS))),
    '/gzip-x4.xml': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip,gzip,gzip,gzip' }).end(RSS),
    '/busy-seconds': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end(),
    '/busy-date': (_req, res) => res.writeHead(503, { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' }).end(),
    '/cached.xml': (_req, res) =>
      res.writeHead(200, { 'cache-control': 'public, s-maxage=90', expires: 'Wed, 21 Oct 2099 07:28:00 GMT' }).end(RSS),
    '/expires.xml': (_req, res) => res.writeHead(200, { expires: 'Wed, 21 Oct 2099 07:28:00 GMT' }).end(RSS),
    '/gone': (_req, res) => res.writeHead(410).end(),
    '/missing': (_req, res) => res.writeHead(404).end(),
    '/to-private': (_req, res) => res.writeHead(302, { location: 'http://127.0.0.2:9/feed.xml' }).end(),
  });
  origin = server.origin;
});
afterAll(() => server.close());

describe('fetchFeed', () => {
  it('sends the User-Agent, Accept-Encoding and validators', async () => {
    const res = await fetchFeed(
      { url: `${origin}/feed.xml`, etag: '"v1"', lastModified: 'Thu, 18 Jan 2024 11:08:24 GMT' },
      open,
    );
    expect(res.status).toBe(200);
    expect(res.body!.equals(RSS)).toBe(true);
    const req = server.hits.get('/feed.xml')!.at(-1)!;
    expect(req.headers['user-agent']).toBe('Tidings/test');
    expect(req.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(req.headers['if-none-match']).toBe('"v1"');
    expect(req.headers['if-modified-since']).toBe('Thu, 18 Jan 2024 11:08:24 GMT');
  });

  it.each(['gzip', 'br', 'deflate', 'raw-deflate'])('decodes %s bodies', async (enc) => {
    const res = await fetchFeed({ url: `${origin}/${enc}.xml` }, open);
    expect(res.body!.equals(RSS)).toBe(true);
  });

  it('follows permanent redirects and reports where the feed moved', async () => {
    const res = await fetchFeed({ url: `${origin}/hop1` }, open);
    expect(res.url).toBe(`${origin}/feed.xml`);
    expect(res.movedTo).toBe(`${origin}/feed.xml`);
  });

  it('does not report a move through a temporary redirect', async () => {
    expect((await fetchFeed({ url: `${origin}/temp` }, open)).movedTo).toBeUndefined();
    // 301 then 302: moved only as far as the permanent part goes.
    expect((await fetchFeed({ url: `${origin}/mixed` }, open)).movedTo).toBe(`${origin}/temp`);
  });

  it('stops a redirect loop and too many hops', async () => {
    await expect(fetchFeed({ url: `${origin}/loop-a` }, open)).rejects.toThrow(/redirect loop/);
    await expect(
      fetchFeed({ url: `${origin}/hop1` }, { ...open, limits: { allowPrivateNetworks: true, maxRedirects: 1 } }),
    ).rejects.toThrow(/more than 1 redirects/);
  });

  it('gives up on a body slower than the time limit', async () => {
    // The body trickles in for ever: only the time limit can end it.
    await expect(
      fetchFeed({ url: `${origin}/slow` }, { ...open, limits: { allowPrivateNetworks: true, timeoutMs: 300 } }),
    ).rejects.toThrow(/took longer than 0.3 s/);
  });

  it('cuts off an endless body and a gzip bomb at the size limit', async () => {
    const limits = { allowPrivateNetworks: true, maxBytes: 1024 * 1024 };
    await expect(fetchFeed({ url: `${origin}/endless` }, { ...open, limits })).rejects.toThrow(/over the 1 MiB limit/);
    await expect(fetchFeed({ url: `${origin}/bomb` }, { ...open, limits })).rejects.toThrow(/over the 1 MiB limit/);
  });

  it('names the limit when a compressed body is over it, not a lost connection', async () => {
    const limits = { allowPrivateNetworks: true, maxBytes: 1024 * 1024 };
    expect(BIG_GZIP.length).toBeGreaterThan(1024 * 1024);
    await expect(fetchFeed({ url: `${origin}/big-gzip` }, { ...open, limits })).rejects.toThrow(
      `fetch: body of ${origin}/big-gzip is over the 1 MiB limit (fetch.maxBodySize, decoded)`,
    );
  });

  it('decodes every layer of "gzip, gzip", and refuses more than three', async () => {
    expect((await fetchFeed({ url: `${origin}/gzip-gzip.xml` }, open)).body).toEqual(RSS);
    await expect(fetchFeed({ url: `${origin}/gzip-x4.xml` }, open)).rejects.toThrow(
      'has 4 content encodings (gzip,gzip,gzip,gzip); at most 3 are decoded',
    );
  });

  it('reads Retry-After in seconds and as a date, clamped to a day', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const deps = { ...open, now: () => now };
    const a = await fetchFeed({ url: `${origin}/busy-seconds` }, deps).catch((e: FetchError) => e);
    expect(a).toBeInstanceOf(FetchError);
    expect((a as FetchError).details).toEqual({ status: 429, retryAfter: new Date('2030-01-01T00:02:00Z') });
    const b = (await fetchFeed({ url: `${origin}/busy-date` }, deps).catch((e) => e)) as FetchError;
    expect(b.details).toEqual({ status: 503, retryAfter: new Date('2030-01-02T00:00:00Z') });
    expect(retryAfter('Wed, 01 Jan 2030 00:00:30 GMT', now)).toEqual(new Date('2030-01-01T00:00:30Z'));
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter('1 January 2030 00:05', now)).toBeUndefined(); // Date.parse reads it; HTTP does not
  });

  it('says on the response until when it may be reused: max-age or s-maxage, else Expires', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const deps = { ...open, now: () => now };
    expect((await fetchFeed({ url: `${origin}/cached.xml` }, deps)).cacheUntil).toEqual(
      new Date('2030-01-01T00:01:30Z'),
    );
    expect((await fetchFeed({ url: `${origin}/expires.xml` }, deps)).cacheUntil).toEqual(
      new Date('2099-10-21T07:28:00Z'),
    );
    expect((await fetchFeed({ url: `${origin}/feed.xml` }, deps)).cacheUntil).toBeUndefined();
  });

  it.each([
    ['max-age', 'max-age=600', undefined, '2030-01-01T00:10:00Z'],
    ['no-cache, max-age', 'no-cache, MAX-AGE = 5', undefined, '2030-01-01T00:00:05Z'],
    ['Expires only', undefined, 'Tue, 01 Jan 2030 06:00:00 GMT', '2030-01-01T06:00:00Z'],
    ['an unreadable Expires', undefined, '0', undefined],
    ['a directive that only ends in max-age', 'x-max-age=600', undefined, undefined],
  ])('reads Cache-Control and Expires: %s', (_name, cacheControl, expires, until) => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(cacheUntil(cacheControl, expires, now)).toEqual(until && new Date(until));
  });

  it('marks 410 as gone and other statuses as errors', async () => {
    const gone = (await fetchFeed({ url: `${origin}/gone` }, open).catch((e) => e)) as FetchError;
    expect(gone.details).toEqual({ status: 410, gone: true });
    await expect(fetchFeed({ url: `${origin}/missing` }, open)).rejects.toThrow(
      `fetch: HTTP 404 from ${origin}/missing`,
    );
  });

  it('fetches only http and https', async () => {
    await expect(fetchFeed({ url: 'file:///etc/passwd' }, open)).rejects.toThrow(/only http and https/);
    await expect(fetchFeed({ url: 'not a url' }, open)).rejects.toThrow(/not a URL/);
  });
});

describe('private networks', () => {
  const closed: FetchDeps = { userAgent: 'Tidings/test' };

  it('refuses loopback by default, by address and by name', async () => {
    const before = server.hits.get('/feed.xml')?.length ?? 0;
    await expect(fetchFeed({ url: `${origin}/feed.xml` }, closed)).rejects.toThrow(
      /refused to connect to the private address 127\.0\.0\.1/,
    );
    const port = new URL(origin).port;
    const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    await expect(
      fetchFeed({ url: `http://feeds.example.test:${port}/feed.xml` }, { ...closed, lookup }),
    ).rejects.toThrow(/private address 127\.0\.0\.1/);
    expect(server.hits.get('/feed.xml')?.length ?? 0).toBe(before); // none of the refused requests arrived
  });

  it('refuses a redirect to a private address, and a name that rebinds to one', async () => {
    // 127.0.0.1 stands for a public server here; 127.0.0.2 for the private network behind it.
    const isBlocked = (ip: string) => ip !== '127.0.0.1';
    await expect(fetchFeed({ url: `${origin}/to-private` }, { ...closed, isBlocked })).rejects.toThrow(
      /private address 127\.0\.0\.2/,
    );
    let answers = 0;
    const rebinding: FetchDeps['lookup'] = (_h, _o, cb) =>
      cb(null, [{ address: answers++ ? '127.0.0.2' : '127.0.0.1', family: 4 }]);
    const port = new URL(origin).port;
    const deps = { ...closed, isBlocked, lookup: rebinding };
    expect((await fetchFeed({ url: `http://rebind.example.test:${port}/feed.xml` }, deps)).status).toBe(200);
    await expect(fetchFeed({ url: `http://rebind.example.test:${port}/feed.xml` }, deps)).rejects.toThrow(
      /private address 127\.0\.0\.2/,
    );
  });

  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['fc00::1', true],
    ['2001:4860:4860::8888', false],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['[::1]', true],
    // Every IPv6 form that carries an IPv4 address is judged by that address.
    ['::127.0.0.1', true],
    ['[::127.0.0.1]', true],
    ['::7f00:1', true],
    ['::8.8.8.8', false],
    ['::ffff:0:10.0.0.1', true],
    ['::ffff:0:8.8.8.8', false],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b::c0a8:101', true],
    ['2002:7f00:1::', true],
    ['2002:a00:1::1', true],
    ['2002:808:808::1', false],
  ])('isPrivateAddress(%s) is %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});
