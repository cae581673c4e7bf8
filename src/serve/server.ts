// The HTTP server (fastify): every published path, with validators, compression and limits.
// Only this layer turns errors into status codes.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CachedFile, SiteCache } from './site-cache.js';
import type { Metrics } from './metrics.js';

export interface LastRefresh {
  at: Date;
  ok: boolean;
  sources: number;
  failed: number;
}

export interface ServerDeps {
  cache: SiteCache;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  /** Seconds a client may reuse a response: the shortest refresh interval. */
  maxAge: () => number;
  /** SELECT 1 against the database. */
  databaseOk: () => boolean;
  lastRefresh: () => LastRefresh | undefined;
}

const MAX_URL = 2048;

const CODING = /(?:^|,)\s*(br|gzip)\s*(?:;\s*q\s*=\s*([\d.]+))?\s*(?=,|$)/gi;

/** The best of br and gzip that Accept-Encoding allows (q > 0), br first on a tie. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | undefined {
  if (!accept) return undefined;
  let best: 'br' | 'gzip' | undefined;
  let bestQ = 0;
  for (const m of accept.matchAll(CODING)) {
    const name = m[1]!.toLowerCase() as 'br' | 'gzip';
    const q = m[2] === undefined ? 1 : Number(m[2]);
    if (q > bestQ || (q === bestQ && q > 0 && name === 'br')) [best, bestQ] = [name, q];
  }
  return best;
}

/** A validator list match (If-None-Match: "a", "b" or *); weak comparison, as RFC 9110 asks for GET. */
function matchesEtag(header: string, etag: string): boolean {
  if (header === etag) return true;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export interface Answer {
  status: 200 | 304;
  headers: Record<string, string | number>;
  body?: Buffer;
}

/** The answer to a GET or HEAD for a cached file: 304 when the client's copy is current. */
export function answer(requestHeaders: IncomingHttpHeaders, file: CachedFile, cacheControl: string): Answer {
  const inm = requestHeaders['if-none-match'];
  const ims = requestHeaders['if-modified-since'];
  // RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since counts only without it.
  const fresh = inm !== undefined ? matchesEtag(inm, file.etag) : ims !== undefined && Date.parse(ims) >= file.lastModified.getTime();
  // §15.4.5: a 304 carries the validators and caching fields, not the representation's metadata.
  if (fresh) return { status: 304, headers: { etag: file.etag, 'cache-control': cacheControl, vary: 'Accept-Encoding' } };
  const headers: Record<string, string | number> = {
    'content-type': file.type,
    etag: file.etag,
    'last-modified': file.lastModifiedHttp,
    'cache-control': cacheControl,
    vary: 'Accept-Encoding',
  };
  const encoding = pickEncoding(requestHeaders['accept-encoding']);
  if (encoding) headers['content-encoding'] = encoding;
  const body = encoding ? file[encoding] : file.body;
  headers['content-length'] = body.length;
  return { status: 200, headers, body };
}

/** URL path (decoded) → the site path it shows, as `tidings build` names files. */
export function sitePathOf(path: string): string | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p === '/' || p === '/index.html') return 'index.html';
  if (p === '/subscriptions.opml') return 'subscriptions.opml';
  const m = /^\/(?:(all)\.(rss|atom|json)|(tags|sources)\/([^/]+?)(?:\.(rss|atom|json|html))?|(articles)\/([0-9a-f]{1,64})(?:\.html)?)$/.exec(p);
  if (!m) return undefined;
  if (m[1]) return `all.${m[2]}`;
  if (m[3]) return `${m[3]}/${m[4]}.${m[5] ?? 'html'}`;
  return `articles/${m[7]}.html`;
}

/** The metrics label of a site path: its kind, never the slug. */
const routeOf = (sitePath: string) => (sitePath.includes('/') ? `/${sitePath.split('/')[0]}` : `/${sitePath}`);

const notFound = (reply: FastifyReply, what: string) => reply.code(404).type('text/plain; charset=utf-8').send(`not found: ${what}\n`);

function parseLimit(query: unknown): number | undefined | 'bad' {
  const raw = (query as Record<string, unknown>).limit;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return typeof raw === 'string' && /^\d+$/.test(raw) && n >= 1 && n <= 200 ? n : 'bad';
}

const FEED_EXT = /\.(rss|atom|json)$/;

export function buildServer(deps: ServerDeps): FastifyInstance {
  // The common case (a cached file, no query) is answered before fastify's routing, hooks and
  // reply objects; everything else (misses, queries, errors, other methods) goes through fastify.
  let fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  // URLs seen before, resolved once: raw URL → site path (or null for "not a site path").
  const resolved = new Map<string, { path: string; route: string } | null>();
  const resolveUrl = (url: string) => {
    let hit = resolved.get(url);
    if (hit === undefined) {
      const path = sitePathOf(safeDecode(url));
      hit = path ? { path, route: routeOf(path) } : null;
      if (resolved.size > 10_000) resolved.clear();
      resolved.set(url, hit);
    }
    return hit;
  };
  const serverFactory = (handler: typeof fastifyHandler) => {
    fastifyHandler = handler;
    return createServer((req, res) => {
      const url = req.url;
      if ((req.method === 'GET' || req.method === 'HEAD') && url && url.length <= MAX_URL && !url.includes('?')) {
        const target = resolveUrl(url);
        const file = target && deps.cache.get(target.path);
        if (target && file) {
          const { status, headers, body } = answer(req.headers, file, cacheControl());
          res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
          deps.metrics.countRequest(target.route, status);
          return;
        }
      }
      fastifyHandler(req, res);
    });
  };
  let maxAge = -1;
  let cacheControlValue = '';
  const cacheControl = () => {
    const current = deps.maxAge();
    if (current !== maxAge) [maxAge, cacheControlValue] = [current, `public, max-age=${current}`];
    return cacheControlValue;
  };

  const sitePaths = new WeakMap<FastifyRequest, string>();
  const app = Fastify({
    loggerInstance: deps.logger,
    serverFactory,
    // One logger for every request: a child logger per request costs more than the request.
    childLoggerFactory: (logger) => logger,
    // A log line per request would cost more than serving the cached feed.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors the router raises before any hook (an over-long parameter): short, and no echo of the URL.
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      void reply.code(status).type('text/plain; charset=utf-8').send(status === 414 ? 'URL too long\n' : 'bad request\n');
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
  });

  // Every path is read-only: any other method on any URL is 405.
  app.route({
    method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '*',
    handler: (req, reply) => reply.code(405).header('allow', 'GET, HEAD').type('text/plain; charset=utf-8').send(`method ${req.method} not allowed\n`),
  });
  // A synchronous hook and a counter that adds up at scrape time: cheap enough for every request.
  app.addHook('onResponse', (req, reply, done) => {
    const sitePath = sitePaths.get(req);
    deps.metrics.countRequest(sitePath ? routeOf(sitePath) : (req.routeOptions.url ?? 'unmatched'), reply.statusCode);
    done();
  });
  app.setNotFoundHandler((req, reply) => notFound(reply, req.url.slice(0, 200)));
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).type('text/plain; charset=utf-8').send(`${err.message}\n`);
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(500).type('text/plain; charset=utf-8').send('internal error\n');
  });

  app.get('/healthz', (_req, reply) => {
    const database = deps.databaseOk();
    const last = deps.lastRefresh();
    return reply.code(database ? 200 : 503).header('cache-control', 'no-store').send({
      ok: database,
      database: database ? 'ok' : 'unreachable',
      lastRefresh: last ? { at: last.at.toISOString(), ok: last.ok, sources: last.sources, failed: last.failed } : null,
    });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', deps.metrics.registry.contentType).header('cache-control', 'no-store').send(await deps.metrics.registry.metrics()),
  );

  const site = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url.length > MAX_URL) return reply.code(414).type('text/plain; charset=utf-8').send('URL too long\n');
    const path = sitePathOf(req.url.split('?')[0]!.split('/').map(safeDecode).join('/'));
    if (!path) return notFound(reply, req.url.slice(0, 200));
    sitePaths.set(req, path);
    const limit = parseLimit(req.query);
    if (limit === 'bad') return reply.code(400).type('text/plain; charset=utf-8').send('limit must be a whole number from 1 to 200\n');
    const file = deps.cache.get(path, FEED_EXT.test(path) ? limit : undefined);
    if (!file) return notFound(reply, path);
    const { status, headers, body } = answer(req.headers, file, cacheControl());
    return reply.code(status).headers(headers).send(body);
  };
  app.get('/', site);
  app.get('/*', site);
  return app;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
