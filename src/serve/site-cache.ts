// Rendered files kept in memory with their validators, least recently used first out, within a
// byte budget; compressed once per encoding a client asks for, off the main thread; emptied when
// the store's change sequence moves. Serving a feed then costs about what a static file does.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { SiteFile } from '../publish/files.js';

export type Encoding = 'gzip' | 'br';

export interface CachedFile {
  type: string;
  body: Buffer;
  /** The body in each encoding asked for so far. */
  encoded: Partial<Record<Encoding, Buffer>>;
  /** Strong: a hash of the body. */
  etag: string;
  /** Whole seconds, as HTTP dates carry them. */
  lastModified: Date;
  lastModifiedHttp: string;
}

export type Render = (path: string, limit?: number) => Promise<SiteFile | undefined>;

// Levels that cost a few milliseconds for a 250 KB feed, in libuv's thread pool, not on the main
// thread; a level more saves a percent or two of bytes for several times the work.
const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);
const COMPRESS: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  gzip: (body) => gzip(body, { level: 4 }),
  br: (body) =>
    brotli(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
};

function toCached(file: SiteFile): CachedFile {
  const body = Buffer.from(file.body);
  return {
    type: file.type,
    body,
    encoded: {},
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    lastModified: new Date(Math.floor(file.modified.getTime() / 1000) * 1000),
    lastModifiedHttp: file.modified.toUTCString(),
  };
}

/**
 * Files of queries (searches, filtered feeds: a "?" in the key) kept at most: anyone can ask for
 * new ones, so they must not push the site's own files out of the byte budget.
 */
export const MAX_QUERY_FILES = 256;
const isQuery = (key: string) => key.includes('?');

const sizeOf = (f: CachedFile) => f.body.length + (f.encoded.gzip?.length ?? 0) + (f.encoded.br?.length ?? 0);

export class SiteCache {
  /** Insertion order is recency: a hit moves its file to the end, eviction takes from the front. */
  private files = new Map<string, CachedFile>();
  private bytes = 0;
  private queries = 0;
  /** Renders and compressions under way, so that concurrent requests do each once. */
  private rendering = new Map<string, Promise<CachedFile | undefined>>();
  private compressing = new Map<string, Promise<Buffer>>();
  /** Moves at every invalidation: a render that started before one is served, not kept. */
  private epoch = 0;

  constructor(
    private readonly render: Render,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  private static key(path: string, limit?: number): string {
    return limit === undefined ? path : `${path}?limit=${limit}`;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  /** The file at `path` if it is rendered already. */
  cached(path: string, limit?: number): CachedFile | undefined {
    const key = SiteCache.key(path, limit);
    const hit = this.files.get(key);
    if (hit) {
      this.files.delete(key);
      this.files.set(key, hit);
    }
    return hit;
  }

  private keep(grown: number): void {
    this.bytes += grown;
    while (this.bytes > this.maxBytes && this.files.size) this.drop(this.files.keys().next().value!);
  }

  private drop(key: string): void {
    const file = this.files.get(key);
    if (!file) return;
    this.files.delete(key);
    this.bytes -= sizeOf(file);
    if (isQuery(key)) this.queries -= 1;
  }

  /** Files of queries held now. */
  get queryFiles(): number {
    return this.queries;
  }

  private store(key: string, file: CachedFile): void {
    if (isQuery(key)) {
      // The least recently used query goes first.
      if (this.queries >= MAX_QUERY_FILES)
        for (const k of this.files.keys())
          if (isQuery(k)) {
            this.drop(k);
            break;
          }
      this.queries += 1;
    }
    this.files.set(key, file);
    this.keep(sizeOf(file));
  }

  /**
   * The file at `path` (with `limit` items for feeds), rendered if need be; undefined when there is
   * no such file. A feed with a `limit` of its own is rendered for the request and not kept: its
   * limits are too many to keep each (200 per feed), and few clients ask for one.
   */
  get(path: string, limit?: number): Promise<CachedFile | undefined> {
    const key = SiteCache.key(path, limit);
    const hit = this.cached(path, limit);
    if (hit) return Promise.resolve(hit);
    let pending = this.rendering.get(key);
    if (!pending) {
      const epoch = this.epoch;
      pending = this.render(path, limit).then((file) => {
        if (!file) return undefined;
        const cached = toCached(file);
        if (limit === undefined && epoch === this.epoch && !this.files.has(key)) this.store(key, cached);
        return cached;
      });
      const rendering = this.rendering;
      void pending.finally(() => rendering.delete(key)).catch(() => undefined);
      this.rendering.set(key, pending);
    }
    return pending;
  }

  /** The body in `encoding`, compressed once for this file. */
  encode(file: CachedFile, encoding: Encoding): Buffer | Promise<Buffer> {
    const done = file.encoded[encoding];
    if (done) return done;
    const key = `${file.etag}\n${encoding}`;
    let pending = this.compressing.get(key);
    if (!pending) {
      pending = COMPRESS[encoding](file.body).then((bytes) => {
        file.encoded[encoding] = bytes;
        // The file's size grew: counted if the cache still holds it.
        for (const f of this.files.values()) if (f === file) this.keep(bytes.length);
        return bytes;
      });
      void pending.finally(() => this.compressing.delete(key)).catch(() => undefined);
      this.compressing.set(key, pending);
    }
    return pending;
  }

  /** Forget what is rendered (every file, or those `which` names): the next request renders afresh. */
  invalidate(which?: (path: string) => boolean): void {
    this.epoch += 1;
    this.rendering = new Map();
    if (!which) {
      this.files = new Map();
      this.bytes = 0;
      this.queries = 0;
      return;
    }
    for (const key of [...this.files.keys()]) if (which(key.split('?')[0]!)) this.drop(key);
  }
}
