// Rendered files kept in memory, compressed once, with their validators; emptied when something
// changes. Serving a feed then costs about what serving a static file does.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { SiteFile } from '../publish/site.js';

export interface CachedFile {
  type: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** Strong: a hash of the body. */
  etag: string;
  /** Whole seconds, as HTTP dates carry them. */
  lastModified: Date;
  lastModifiedHttp: string;
}

export type Render = (path: string, limit?: number) => Promise<SiteFile | undefined>;

export function toCached(file: SiteFile): CachedFile {
  const body = Buffer.from(file.body);
  return {
    type: file.type,
    body,
    gzip: zlib.gzipSync(body, { level: 9 }),
    br: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    lastModified: new Date(Math.floor(file.modified.getTime() / 1000) * 1000),
    lastModifiedHttp: file.modified.toUTCString(),
  };
}

export class SiteCache {
  private files = new Map<string, CachedFile>();
  /** Renders under way, so that concurrent requests for one path render it once. */
  private rendering = new Map<string, Promise<CachedFile | undefined>>();

  constructor(
    private render: Render,
    private readonly maxEntries = 5000,
  ) {}

  private static key(path: string, limit?: number): string {
    return limit === undefined ? path : `${path}?limit=${limit}`;
  }

  /** The file at `path` if it is rendered already. */
  cached(path: string, limit?: number): CachedFile | undefined {
    return this.files.get(SiteCache.key(path, limit));
  }

  /** The file at `path` (with `limit` items for feeds), rendered if need be; undefined when there is no such file. */
  get(path: string, limit?: number): Promise<CachedFile | undefined> {
    const key = SiteCache.key(path, limit);
    const hit = this.files.get(key);
    if (hit) return Promise.resolve(hit);
    let pending = this.rendering.get(key);
    if (!pending) {
      const files = this.files;
      pending = this.render(path, limit).then((file) => {
        if (!file) return undefined;
        const cached = toCached(file);
        // A render that an invalidation overtook is served once, not kept.
        if (files === this.files) {
          if (files.size >= this.maxEntries) files.delete(files.keys().next().value!);
          files.set(key, cached);
        }
        return cached;
      });
      const rendering = this.rendering;
      void pending.finally(() => rendering.delete(key)).catch(() => undefined);
      this.rendering.set(key, pending);
    }
    return pending;
  }

  /** Forget everything: the next request renders afresh. */
  invalidate(render?: Render): void {
    if (render) this.render = render;
    this.files = new Map();
    this.rendering = new Map();
  }
}
