// HTTP(S) fetching, politely and safely: conditional GET, decompression with a size cap enforced
// while streaming, redirects with loop and downgrade checks, time limits, and no connections to
// private networks unless allowed, checked on the address actually connected to.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type Socket } from 'node:net';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { Config, FeedSource, FetchSettings } from '../config/schema.js';
import { sourceFetch } from '../config/source-fetch.js';
import { DEFAULT_FETCH, siteBaseUrl } from '../config/schema.js';
import { FetchError } from '../errors.js';
import { VERSION } from '../version.js';
import { cacheUntil, retryAfter } from './http-facts.js';
import { requestThroughProxy } from './proxy.js';

interface FetchLimits {
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivateNetworks: boolean;
}

/** The configuration's `fetch` settings as limits for one fetch. */
function fetchLimits(f: FetchSettings): FetchLimits {
  return {
    timeoutMs: f.timeout * 1000,
    connectTimeoutMs: f.connectTimeout * 1000,
    maxBytes: f.maxBodySize,
    maxRedirects: f.maxRedirects,
    allowPrivateNetworks: f.allowPrivateNetworks,
  };
}

const DEFAULT_LIMITS = fetchLimits(DEFAULT_FETCH);

/**
 * What every fetch of a configuration uses: its User-Agent, its limits and the environment's proxy;
 * for a source's fetches, also the source's own options (credentials, headers, agent, proxy, timeout).
 */
export function fetchDepsOf(config: Pick<Config, 'site' | 'fetch' | 'file'>, source?: FeedSource): FetchDeps {
  const own = sourceFetch(config, source);
  const limits = fetchLimits(config.fetch);
  if (own.timeoutSeconds) limits.timeoutMs = own.timeoutSeconds * 1000;
  return {
    userAgent: own.userAgent ?? `Tidings/${VERSION} (+${siteBaseUrl(config.site)})`,
    limits,
    headers: own.headers,
    proxy: own.proxyFor,
  };
}

type Lookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface FetchDeps {
  userAgent: string;
  limits?: Partial<FetchLimits>;
  /** DNS, injectable for tests (rebinding, private answers). */
  lookup?: Lookup;
  /** Which addresses count as private; tests narrow it to tell two loopback addresses apart. */
  isBlocked?: (ip: string) => boolean;
  now?: () => Date;
  /** Aborts the fetch in flight (shutdown). */
  signal?: AbortSignal;
  /** More request headers, lowercased (a source's Authorization, Cookie…); never sent to another origin after a redirect. */
  headers?: Record<string, string>;
  /** The HTTP proxy a URL goes through, if any; the private-network guard still applies to the URL. */
  proxy?: (url: URL) => URL | undefined;
}

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  /** What is asked for: feeds by default. */
  accept?: string;
}

export interface FetchResponse {
  status: 200 | 304;
  /** Where the document was finally found. */
  url: string;
  /** Set when the redirects up to some URL were all permanent (301, 308): the source moved there. */
  movedTo?: string;
  body?: Buffer;
  headers: Record<string, string | undefined>;
  /** Until when the document may be reused (Cache-Control max-age, s-maxage or Expires). */
  cacheUntil?: Date;
}

// Addresses Tidings never connects to unless fetch.allowPrivateNetworks is set.
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
// (Addresses that carry an IPv4 address are judged by it: see embeddedIpv4.)
for (const [net, bits] of [
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** An IPv6 address as its eight 16-bit words (a trailing dotted quad read as two), or undefined. */
function ipv6Words(ip: string): number[] | undefined {
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = quad
    ? ip.slice(0, quad.index) +
      [((+quad[1]! << 8) | +quad[2]!).toString(16), ((+quad[3]! << 8) | +quad[4]!).toString(16)].join(':')
    : ip;
  const [head, tail, ...more] = text.split('::');
  if (more.length) return undefined;
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const [a, b] = [words(head), words(tail)];
  const all = tail === undefined ? a : [...a, ...new Array(8 - a.length - b.length).fill(0), ...b];
  return all.length === 8 && all.every((w) => w >= 0 && w <= 0xffff) ? all : undefined;
}

/**
 * The IPv4 address an IPv6 address carries: IPv4-compatible (::/96), IPv4-mapped (::ffff:0:0/96),
 * IPv4-translated (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIpv4(ip: string): string | undefined {
  const w = ipv6Words(ip);
  if (!w) return undefined;
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (
    zero(0, 6) ||
    (zero(0, 5) && w[5] === 0xffff) ||
    (zero(0, 4) && w[4] === 0xffff && w[5] === 0) ||
    (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6))
  )
    return v4(w[6]!, w[7]!);
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!);
  return undefined;
}

export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = isIP(bare) === 6 ? embeddedIpv4(bare) : bare;
  if (v4 && isIP(v4) === 4) return blocked.check(v4, 'ipv4');
  return isIP(bare) === 6 ? blocked.check(bare, 'ipv6') : true;
}

const privateRefusal = (url: string, ip: string) =>
  new FetchError(
    `fetch: refused to connect to the private address ${ip} for ${url} (set fetch.allowPrivateNetworks to allow)`,
  );

function guardedLookup(base: Lookup, isBlocked: (ip: string) => boolean, url: string) {
  return (hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const usable = addresses.filter((a) => !isBlocked(a.address));
      if (!usable.length) return callback(privateRefusal(url, addresses[0]?.address ?? hostname));
      if ((options as { all?: boolean }).all) return callback(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/**
 * Content-Encoding: deflate is zlib-wrapped deflate (RFC 9110 §8.4.1.2), but some servers send it
 * raw: the first two bytes say which (a zlib header is CM 8 and a multiple of 31).
 */
class InflateEither extends Transform {
  private inner?: zlib.Inflate | zlib.InflateRaw;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      const zlibHeader = chunk.length >= 2 && (chunk[0]! & 0x0f) === 8 && ((chunk[0]! << 8) | chunk[1]!) % 31 === 0;
      this.inner = zlibHeader ? zlib.createInflate() : zlib.createInflateRaw();
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (err) => this.destroy(err));
    }
    this.inner.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) {
      done();
      return;
    }
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.inner?.destroy();
    done(err);
  }
}

function decoder(encoding: string): Transform | undefined {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return new InflateEither();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Content codings a body may be wrapped in, at most ("gzip, gzip" is two: RFC 9110 §8.4). */
const MAX_ENCODINGS = 3;

/**
 * The decoders of a Content-Encoding, in the order to apply them: the last coding listed was applied
 * last, so it is undone first. Unknown codings (identity) are left as they are.
 */
function decoders(encoding: string | undefined, url: string): Transform[] {
  const codings = (encoding ?? '').split(',').filter((c) => c.trim());
  if (codings.length > MAX_ENCODINGS)
    throw new FetchError(
      `fetch: ${url} has ${codings.length} content encodings (${encoding}); at most ${MAX_ENCODINGS} are decoded`,
    );
  return codings.reverse().flatMap((c) => decoder(c) ?? []);
}

/** Reads a body through its decompressors, stopping at `maxBytes` of decoded data. */
function readBody(res: http.IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let unzip: Transform[];
    try {
      unzip = decoders(res.headers['content-encoding'], url);
    } catch (err) {
      res.destroy();
      return reject(err);
    }
    const stream: Readable = unzip.reduce<Readable>((from, to) => from.pipe(to), res);
    const chunks: Buffer[] = [];
    let size = 0;
    // Rejects first: destroying the response emits 'aborted' at once, which would say "connection lost".
    const fail = (err: Error) => {
      reject(err);
      res.destroy();
      for (const u of unzip) u.destroy();
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes)
        return fail(
          new FetchError(
            `fetch: body of ${url} is over the ${Math.round(maxBytes / 1048576)} MiB limit (fetch.maxBodySize, decoded)`,
          ),
        );
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    const wrap = (what: string) => (err: Error) =>
      fail(err instanceof FetchError ? err : new FetchError(`fetch: ${what} ${url}: ${err.message}`));
    for (const u of unzip) u.on('error', wrap('cannot read the body of'));
    if (!unzip.length) stream.on('error', wrap('cannot read the body of'));
    res.on('error', wrap('connection lost while reading'));
    if (unzip.length) res.on('aborted', () => fail(new FetchError(`fetch: connection lost while reading ${url}`)));
  });
}

interface Hop {
  res: http.IncomingMessage;
  req: http.ClientRequest;
}

/** Through a proxy, the target's name is looked up here and refused if every address is private. */
function checkTargetName(host: string, lookup: Lookup, isBlocked: (ip: string) => boolean, url: string): Promise<void> {
  if (isIP(host)) return Promise.resolve();
  return new Promise((resolve, reject) =>
    guardedLookup(lookup, isBlocked, url)(host, { all: true }, (err) =>
      err
        ? reject(
            err instanceof FetchError
              ? err
              : new FetchError(`fetch: ${url}: ${(err as NodeJS.ErrnoException).code ?? err}`),
          )
        : resolve(),
    ),
  );
}

async function requestOnce(
  url: URL,
  headers: Record<string, string>,
  deps: FetchDeps,
  limits: FetchLimits,
  register: (req: http.ClientRequest) => void,
): Promise<Hop> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isBlocked = limits.allowPrivateNetworks ? () => false : (deps.isBlocked ?? isPrivateAddress);
  const lookup = deps.lookup ?? (dnsLookup as unknown as Lookup);
  // An IP literal is never looked up, so it is checked here; names are checked in the lookup.
  if (isIP(host) && isBlocked(host)) throw privateRefusal(url.href, host);
  const proxy = deps.proxy?.(url);
  if (proxy) await checkTargetName(host, lookup, isBlocked, url.href);
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = proxy
      ? requestThroughProxy(url, proxy, headers)
      : client.request(url, {
          method: 'GET',
          headers,
          agent: false,
          lookup: guardedLookup(lookup, isBlocked, url.href) as never,
        });
    register(req);
    const connectTimer = setTimeout(
      () =>
        req.destroy(
          new FetchError(`fetch: could not connect to ${url.host} within ${limits.connectTimeoutMs / 1000} s`),
        ),
      limits.connectTimeoutMs,
    );
    // Through a proxy the socket reaches the proxy, not the target (checked by name above).
    if (!proxy)
      req.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          clearTimeout(connectTimer);
          // The last word: the address this socket really reached.
          const ip = socket.remoteAddress ?? '';
          if (isBlocked(ip)) req.destroy(privateRefusal(url.href, ip));
        });
      });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      resolve({ res, req });
    });
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      reject(
        err instanceof FetchError
          ? err
          : new FetchError(`fetch: ${url.href}: ${(err as NodeJS.ErrnoException).code ?? err.message}`),
      );
    });
    req.end();
  });
}

/** A source's own headers; credentials and cookies only for the origin they were configured for. */
function ownHeaders(headers: Record<string, string> | undefined, url: URL, first: string): Record<string, string> {
  if (!headers) return {};
  if (url.origin === new URL(first).origin) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization' && name !== 'cookie'));
}

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5';

export async function fetchFeed(request: FetchRequest, deps: FetchDeps): Promise<FetchResponse> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => new Date());
  let current: http.ClientRequest | undefined;
  const timeout = new FetchError(`fetch: ${request.url} took longer than ${limits.timeoutMs / 1000} s`);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    current?.destroy(timeout);
  }, limits.timeoutMs);
  const aborted = new FetchError(`fetch: ${request.url}: stopped (shutting down)`);
  const onAbort = () => current?.destroy(aborted);
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  if (deps.signal?.aborted) throw aborted;
  try {
    return await follow(request, deps, limits, now, (req) => {
      current = req;
      if (timedOut) req.destroy(timeout);
    });
  } catch (err) {
    throw timedOut ? timeout : deps.signal?.aborted ? aborted : err;
  } finally {
    clearTimeout(timer);
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

async function follow(
  request: FetchRequest,
  deps: FetchDeps,
  limits: FetchLimits,
  now: () => Date,
  register: (req: http.ClientRequest) => void,
): Promise<FetchResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new FetchError(`fetch: not a URL: ${request.url}`);
  }
  const seen = new Set<string>();
  let movedTo: string | undefined;
  let permanent = true;
  for (let hop = 0; ; hop += 1) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new FetchError(`fetch: only http and https are fetched, not ${url.protocol} (${url.href})`);
    seen.add(url.href);
    const headers: Record<string, string> = {
      'user-agent': deps.userAgent,
      accept: request.accept ?? ACCEPT,
      ...ownHeaders(deps.headers, url, request.url),
      'accept-encoding': 'gzip, deflate, br',
    };
    if (request.etag) headers['if-none-match'] = request.etag;
    if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    const { res } = await requestOnce(url, headers, deps, limits, register);
    const status = res.statusCode ?? 0;
    const header = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      const location = header('location');
      if (!location) throw new FetchError(`fetch: HTTP ${status} without a Location from ${url.href}`, { status });
      const next = new URL(location, url);
      if (url.protocol === 'https:' && next.protocol === 'http:')
        throw new FetchError(`fetch: refused the redirect from https to http (${url.href} → ${next.href})`, { status });
      if (seen.has(next.href)) throw new FetchError(`fetch: redirect loop at ${next.href}`, { status });
      if (hop + 1 > limits.maxRedirects)
        throw new FetchError(`fetch: more than ${limits.maxRedirects} redirects from ${request.url}`, { status });
      permanent &&= status === 301 || status === 308;
      if (permanent) movedTo = next.href;
      url = next;
      continue;
    }
    const headersOut = {
      contentType: header('content-type'),
      contentLocation: header('content-location'),
      contentLanguage: header('content-language'),
      etag: header('etag'),
      lastModified: header('last-modified'),
      date: header('date'),
    };
    const reuse = cacheUntil(header('cache-control'), header('expires'), now());
    if (status === 304) {
      res.resume();
      // "Not modified" answers a conditional request only (RFC 9110 §15.4.5): without a validator
      // there is nothing it can mean, and a source answered so has never delivered a document.
      if (!request.etag && !request.lastModified)
        throw new FetchError(
          `fetch: HTTP 304 Not Modified from ${url.href} to a request without validators: the server sent no document`,
          { status },
        );
      return { status: 304, url: url.href, movedTo, headers: headersOut, cacheUntil: reuse };
    }
    if (status === 200 || status === 203) {
      const body = await readBody(res, limits.maxBytes, url.href);
      return { status: 200, url: url.href, movedTo, body, headers: headersOut, cacheUntil: reuse };
    }
    res.resume();
    if (status === 410)
      throw new FetchError(`fetch: HTTP 410 Gone from ${url.href}: the feed was removed`, { status, gone: true });
    if (status === 429 || status === 503) {
      const until = retryAfter(header('retry-after'), now());
      throw new FetchError(
        `fetch: HTTP ${status} from ${url.href}${until ? `; retry after ${until.toISOString()}` : ''}`,
        { status, retryAfter: until },
      );
    }
    throw new FetchError(`fetch: HTTP ${status} from ${url.href}`, { status });
  }
}

/** What a feed reader takes from the response: the charset, Content-Location as the base, Content-Language. */
export function documentOf(response: FetchResponse): { url: string; contentType?: string; language?: string } {
  let base = response.url;
  try {
    const location = response.headers.contentLocation && new URL(response.headers.contentLocation, response.url);
    if (location && /^https?:$/.test(location.protocol)) base = location.href; // never javascript: and the like
  } catch {
    // an unreadable Content-Location is ignored
  }
  return {
    url: base,
    contentType: response.headers.contentType,
    language: response.headers.contentLanguage?.split(',')[0]?.trim() || undefined,
  };
}
