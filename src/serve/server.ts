// The HTTP server: one request handler on node:http for every published path, with validators,
// compression and limits. Only this layer turns errors into status codes. Every request takes the
// same path through `handle`, so what tests send over a socket is what readers get.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, SearchQueryError } from '../errors.js';
import { NOT_FOUND, requestRoute, routePath, withQuery, type Route } from '../publish/routes.js';
import type { Logger } from '../log.js';
import type { TickProgress } from '../model.js';
import type { Metrics } from './metrics.js';
import type { CachedFile, Encoding, SiteCache } from './site-cache.js';
import { parseHttpDate } from '../lib/http-date.js';

export interface LastRefresh {
  at: Date;
  ok: boolean;
  sources: number;
  failed: number;
}

export interface ServerDeps {
  cache: SiteCache;
  metrics: Metrics;
  log: Logger;
  /** Seconds a client may reuse a response: the shortest refresh interval. */
  maxAge: () => number;
  /** The items a feed holds without ?limit=: that limit is the feed itself. */
  feedSize: () => number;
  /** A round trip to the database. */
  databaseOk: () => Promise<boolean>;
  lastRefresh: () => LastRefresh | undefined;
  refreshing?: () => TickProgress | undefined;
}

const MAX_URL = 2048;

const CODING = /(?:^|,)\s*(br|gzip)\s*(?:;\s*q\s*=\s*([\d.]+))?\s*(?=,|$)/gi;

/** The best of br and gzip that Accept-Encoding allows (q > 0), br first on a tie. */
function pickEncoding(accept: string | undefined): Encoding | undefined {
  if (!accept) return undefined;
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const m of accept.matchAll(CODING)) {
    const name = m[1]!.toLowerCase() as Encoding;
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

interface Answer {
  status: 200 | 304;
  headers: Record<string, string | number>;
  /** The encoding of the body to send (none: the body as it is). */
  encoding?: Encoding;
}

/** The answer to a GET or HEAD for a cached file: 304 when the client's copy is current. */
function answer(requestHeaders: IncomingHttpHeaders, file: CachedFile, cacheControl: string): Answer {
  const inm = requestHeaders['if-none-match'];
  const ims = requestHeaders['if-modified-since'];
  // RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since counts only without it.
  const fresh =
    inm !== undefined
      ? matchesEtag(inm, file.etag)
      : ims !== undefined && (parseHttpDate(ims) ?? -Infinity) >= file.lastModified.getTime();
  // §15.4.5: a 304 carries the validators and caching fields, not the representation's metadata.
  if (fresh)
    return { status: 304, headers: { etag: file.etag, 'cache-control': cacheControl, vary: 'Accept-Encoding' } };
  const headers: Record<string, string | number> = {
    'content-type': file.type,
    etag: file.etag,
    'last-modified': file.lastModifiedHttp,
    'cache-control': cacheControl,
    vary: 'Accept-Encoding',
  };
  const encoding = pickEncoding(requestHeaders['accept-encoding']);
  if (encoding) headers['content-encoding'] = encoding;
  return { status: 200, headers, encoding };
}

/** The metrics label of a route without its query: its kind, never the slug ("/tags", "/page", "/all.rss", "/index.html"). */
const routeOf = (route: Route) => `/${routePath(route).split('/')[0]}`;

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** `?limit=N` (1–200); undefined without one; 'bad' for anything else. */
function parseLimit(query: string): number | undefined | 'bad' {
  const values = new URLSearchParams(query).getAll('limit');
  if (!values.length) return undefined;
  const raw = values[0]!;
  return values.length === 1 && /^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 200 ? Number(raw) : 'bad';
}

function sendText(
  res: ServerResponse,
  head: boolean,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(text);
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length, ...headers })
    .end(head ? undefined : body);
}

export type Handler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  /** From now on, every request is answered 503 (the server is shutting down). */
  closing(): void;
};

/** Outcome of a request, for the metrics: its route and its status. */
type Outcome = [route: string, status: number];

export function createHandler(deps: ServerDeps): Handler {
  let maxAge = -1;
  let cacheControlValue = '';
  const cacheControl = () => {
    const current = deps.maxAge();
    if (current !== maxAge) [maxAge, cacheControlValue] = [current, `public, max-age=${current}`];
    return cacheControlValue;
  };
  let closing = false;
  // URL paths seen before → the route they name (null: none). Bounded: emptied when full.
  const routes = new Map<string, Route | null>();
  const routeAt = (path: string) => {
    let hit = routes.get(path);
    if (hit === undefined) {
      hit = requestRoute(safeDecode(path)) ?? null;
      if (routes.size >= 10_000) routes.clear();
      routes.set(path, hit);
    }
    return hit;
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    file: CachedFile | undefined,
  ): Outcome | Promise<Outcome> => {
    if (!file) return notFound(req, res, route);
    const { status, headers, encoding } = answer(req.headers, file, cacheControl());
    const write = (body?: Buffer): Outcome => {
      if (body) headers['content-length'] = body.length;
      res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body);
      return [route, status];
    };
    if (status === 304) return write();
    const body = encoding ? deps.cache.encode(file, encoding) : file.body;
    return Buffer.isBuffer(body) ? write(body) : body.then(write);
  };

  /**
   * Answers one request. A rendered file is answered at once; only a render, /healthz and
   * /metrics wait for something.
   */
  function handle(req: IncomingMessage, res: ServerResponse): Outcome | Promise<Outcome> {
    const url = req.url ?? '/';
    const head = req.method === 'HEAD';
    if (closing) {
      sendText(res, head, 503, 'shutting down\n', { connection: 'close' });
      return ['unmatched', 503];
    }
    // Every path is read-only.
    if (req.method !== 'GET' && !head) {
      sendText(res, false, 405, `method ${req.method} not allowed\n`, { allow: 'GET, HEAD' });
      return ['*', 405];
    }
    if (url.length > MAX_URL) {
      sendText(res, head, 414, 'URL too long\n');
      return ['unmatched', 414];
    }
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const bare = routeAt(path);
    if (!bare) {
      // /tags/x/ is /tags/x: the pages' relative links count from the folder the address names.
      const trimmed = path.replace(/\/+$/, '');
      const folder = trimmed.startsWith('/') && !trimmed.startsWith('//') && trimmed !== path ? routeAt(trimmed) : null;
      if (folder) {
        res.writeHead(301, { location: `${trimmed}${q < 0 ? '' : url.slice(q)}`, 'content-length': 0 }).end();
        return [routeOf(folder), 301];
      }
      return special(req, res, path.replace(/(.)\/+$/, '$1'));
    }
    const label = routeOf(bare);
    const search = q < 0 ? '' : url.slice(q + 1);
    const limit = q < 0 ? undefined : parseLimit(search);
    if (limit === 'bad') {
      sendText(res, head, 400, 'limit must be a whole number from 1 to 200\n');
      return [label, 400];
    }
    const route = q < 0 ? bare : withQuery(bare, search);
    if (route === 'bad') {
      sendText(res, head, 400, 'page must be a whole number from 1\n');
      return [label, 400];
    }
    // One cache entry per query, however its URL spells it (order, repeats, spaces).
    const key = routePath(route);
    const feedLimit = route.kind === 'feed' && limit !== deps.feedSize() ? limit : undefined;
    const cached = deps.cache.cached(key, feedLimit);
    if (cached) return send(req, res, label, cached);
    return deps.cache.get(key, feedLimit).then(
      (file) => send(req, res, label, file),
      (err: unknown) => {
        // A feed of a search that cannot be read (the search page says so in its own words).
        if (!(err instanceof SearchQueryError)) throw err;
        sendText(
          res,
          head,
          400,
          `bad search query: ${err.message} (words, "phrases", prefix*, AND, OR, NOT or -word, ( ))\n`,
        );
        return [label, 400] as Outcome;
      },
    );
  }

  /** The paths that are not part of the site: /healthz, /metrics, and the rest (404). */
  async function special(req: IncomingMessage, res: ServerResponse, route: string): Promise<Outcome> {
    const head = req.method === 'HEAD';
    if (route === '/healthz') {
      const database = await deps.databaseOk();
      const last = deps.lastRefresh();
      const now = deps.refreshing?.();
      const refreshing = now
        ? { since: now.started.toISOString(), done: now.done, total: now.total, failed: now.failed }
        : null;
      const body = Buffer.from(
        JSON.stringify({
          ok: database,
          database: database ? 'ok' : 'unreachable',
          lastRefresh: last
            ? { at: last.at.toISOString(), ok: last.ok, sources: last.sources, failed: last.failed }
            : null,
          refreshing,
        }),
      );
      res
        .writeHead(database ? 200 : 503, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
          'cache-control': 'no-store',
        })
        .end(head ? undefined : body);
      return ['/healthz', database ? 200 : 503];
    }
    if (route === '/metrics') {
      const body = Buffer.from(await deps.metrics.registry.metrics());
      res
        .writeHead(200, {
          'content-type': deps.metrics.registry.contentType,
          'content-length': body.length,
          'cache-control': 'no-store',
        })
        .end(head ? undefined : body);
      return ['/metrics', 200];
    }
    return notFound(req, res, 'unmatched');
  }

  /** A 404 is the site's own page (its header, its links), never the request said back. */
  async function notFound(req: IncomingMessage, res: ServerResponse, route: string): Promise<Outcome> {
    const page = await deps.cache.get(NOT_FOUND);
    const body = page?.body ?? Buffer.from('not found\n');
    const type = page?.type ?? 'text/plain; charset=utf-8';
    res
      .writeHead(404, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : body);
    return [route, 404];
  }

  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    deps.log.error({ url: req.url?.slice(0, 200) }, `request failed: ${errorMessage(err)}`);
    if (!res.headersSent) sendText(res, false, 500, 'internal error\n');
    else res.destroy();
    deps.metrics.countRequest('unmatched', 500);
  };

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = handle(req, res);
    } catch (err) {
      return failed(req, res, err);
    }
    if (Array.isArray(outcome)) deps.metrics.countRequest(outcome[0], outcome[1]);
    else
      outcome.then(
        ([route, status]) => deps.metrics.countRequest(route, status),
        (err) => failed(req, res, err),
      );
  }) as Handler;
  handler.closing = () => (closing = true);
  return handler;
}

export interface Listening {
  server: Server;
  /** http://host:port, as a client reaches it. */
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (0 picks a free port); close() ends idle connections and waits for the rest. */
export async function listen(handler: Handler, host: string, port: number): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((ok) => {
        handler.closing();
        server.close(() => ok());
        server.closeIdleConnections();
      }),
  };
}
