// The render cache: within a byte budget, least recently used out first; compressed once per encoding asked for.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_FILES, SiteCache } from '../../src/serve/site-cache.js';

const renderer = () => {
  const renders: string[] = [];
  const render = async (path: string, limit?: number) => {
    renders.push(limit === undefined ? path : `${path}?${limit}`);
    return path === 'missing'
      ? undefined
      : { type: 'text/plain', body: `${path} `.repeat(1000), modified: new Date(0) };
  };
  return { renders, render };
};

describe('SiteCache', () => {
  it('renders a path once, and concurrent requests share the render', async () => {
    const { renders, render } = renderer();
    const cache = new SiteCache(render);
    const [a, b] = await Promise.all([cache.get('x'), cache.get('x')]);
    expect(a).toBe(b);
    expect(await cache.get('x')).toBe(a);
    expect(cache.cached('x')).toBe(a);
    expect(renders).toEqual(['x']);
    expect(await cache.get('missing')).toBeUndefined();
  });

  it("keeps at most MAX_QUERY_FILES searches, the least recently used out first, and the site's own files stay", async () => {
    const { render } = renderer();
    const cache = new SiteCache(render);
    await cache.get('all.rss');
    await cache.get('search.rss?q=first');
    for (let i = 0; i < MAX_QUERY_FILES; i += 1) {
      await cache.get(`search.rss?q=w${i}`);
      if (i === 0) cache.cached('search.rss?q=first'); // used again: not the oldest any more
    }
    expect(cache.queryFiles).toBe(MAX_QUERY_FILES);
    expect(cache.cached('search.rss?q=w0')).toBeUndefined();
    expect(cache.cached('search.rss?q=first')).toBeDefined();
    expect(cache.cached('all.rss')).toBeDefined();
    cache.invalidate((path) => path === 'search.rss');
    expect(cache.queryFiles).toBe(0);
    expect(cache.cached('all.rss')).toBeDefined();
  });

  it('keeps no more than its byte budget, dropping the least recently used first', async () => {
    const { renders, render } = renderer();
    const cache = new SiteCache(render, 5000); // each file is about 2,000 bytes
    await cache.get('a');
    await cache.get('b');
    cache.cached('a'); // a was used last
    await cache.get('c');
    expect(cache.size).toBeLessThanOrEqual(5000);
    expect(cache.cached('b')).toBeUndefined();
    expect(cache.cached('a')).toBeDefined();
    await cache.get('b');
    expect(renders).toEqual(['a', 'b', 'c', 'b']);
  });

  it('renders feeds with a limit of their own for the request, without keeping them', async () => {
    const { renders, render } = renderer();
    const cache = new SiteCache(render);
    for (let limit = 1; limit <= 200; limit += 1) await cache.get('all.rss', limit);
    expect(cache.size).toBe(0);
    expect(renders).toHaveLength(200);
  });

  it('compresses a body once per encoding asked for, and counts it', async () => {
    const { render } = renderer();
    const cache = new SiteCache(render);
    const file = (await cache.get('x'))!;
    expect(file.encoded).toEqual({});
    const before = cache.size;
    const gz = await cache.encode(file, 'gzip');
    expect(gunzipSync(gz).equals(file.body)).toBe(true);
    expect(cache.encode(file, 'gzip')).toBe(gz); // at once, the same bytes
    expect(file.encoded.br).toBeUndefined();
    expect(cache.size).toBe(before + gz.length);
  });

  it('holds its byte budget when a compressed body grows a file: the least recently used file goes', async () => {
    // Bodies that do not compress much: each encoding adds about as many bytes as the body has.
    const render = async (path: string) => ({
      type: 'text/plain',
      body: randomBytes(1500).toString('base64'),
      modified: new Date(0),
      path,
    });
    const cache = new SiteCache(render, 5000);
    await cache.get('a');
    const b = (await cache.get('b'))!;
    expect(cache.size).toBe(4000);
    await cache.encode(b, 'gzip');
    expect(cache.size).toBeLessThanOrEqual(5000);
    expect(cache.cached('a')).toBeUndefined();
    expect(cache.cached('b')).toBe(b);
    expect(cache.size).toBe(b.body.length + b.encoded.gzip!.length);
  });

  it('invalidates everything, or only the paths asked for; a render that an invalidation overtook is not kept', async () => {
    const { renders, render } = renderer();
    const cache = new SiteCache(render);
    await Promise.all([cache.get('index.html'), cache.get('all.rss')]);
    cache.invalidate((path) => path === 'index.html');
    expect(cache.cached('index.html')).toBeUndefined();
    expect(cache.cached('all.rss')).toBeDefined();
    const pending = cache.get('tags/x.rss');
    cache.invalidate();
    expect(await pending).toBeDefined();
    expect(cache.cached('tags/x.rss')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(renders).toHaveLength(3);
  });
});
