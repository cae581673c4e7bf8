// Rendered files kept in memory, compressed once, with their validators; emptied when an ingest
// changes something. Serving a feed then costs about what serving a static file does.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { SiteFile } from '../site.js';

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

export type Render = (path: string, limit?: number) => SiteFile | undefined;

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
  /** Bumped at every invalidation. */
  generation = 0;

  constructor(
    private render: Render,
    private readonly maxEntries = 5000,
  ) {}

  /** The file at `path` (with `limit` items for feeds); undefined when there is no such file. */
  get(path: string, limit?: number): CachedFile | undefined {
    const key = limit === undefined ? path : `${path}?limit=${limit}`;
    const hit = this.files.get(key);
    if (hit) return hit;
    const file = this.render(path, limit);
    if (!file) return undefined;
    const cached = toCached(file);
    if (this.files.size >= this.maxEntries) this.files.delete(this.files.keys().next().value!);
    this.files.set(key, cached);
    return cached;
  }

  /** Forget everything: the next request renders afresh. */
  invalidate(render?: Render): void {
    if (render) this.render = render;
    this.files = new Map();
    this.generation += 1;
  }
}
