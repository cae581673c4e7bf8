// The HTML pages as files: light (the front page of 50 stories under 60 KB), and a built site
// whose every link is relative and names, through the route table, a file that is there, so it
// works from disk and under any sub-path.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { storeEntries } from '../../src/refresh.js';
import { NOT_FOUND, parseRoute, routePath } from '../../src/publish/routes.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import { fingerprinted, madeUpText, runCli, tempDir } from '../helpers.js';

const SAMPLES = resolve(__dirname, '../../feeds/tidings.yaml');

describe('the front page', () => {
  it('holds 50 stories in under 60 KB', async () => {
    const config = parseConfig(
      'site: {title: Weight, itemsPerPage: 50}\nsources:\n  - {name: desk, type: seeds, path: a, title: The city desk}\n  - {name: wire, type: seeds, path: b, title: The regional wire}\n',
      '/tmp/t.yaml',
    );
    const store = await openStore(':memory:');
    const words = madeUpText(3);
    for (const [i, name] of ['desk', 'wire'].entries())
      await store.upsertSource({ name, type: 'seeds', location: name }, new Date(), i);
    // Stories as long as real ones: a headline of eight words, a long first paragraph, five tags; a
    // fifth of them told by both sources ("also in").
    const entry = (n: number, source: string) => ({
      ...fingerprinted(
        `${source}-${n}`,
        words(8),
        `${words(90)} ${n}`,
        Date.UTC(2025, 0, 1 + Math.floor(n / 6), n % 24),
      ),
      summary: words(70),
      tags: Array.from({ length: 5 }, (_, t) => ({ slug: `tag-${(n + t) % 30}`, label: `Tag ${(n + t) % 30}` })),
    });
    const desk = Array.from({ length: 50 }, (_, n) => entry(n, 'desk'));
    await storeEntries(store, 'desk', desk, new Date(), config.dedupe);
    await storeEntries(
      store,
      'wire',
      desk.filter((_, n) => n % 5 === 0).map((d) => ({ ...d, identity: `wire-${d.identity}` })),
      new Date(),
      config.dedupe,
    );
    const page = (await renderPath({ config, store, log: silentLogger, search: true }, 'index.html'))!.body;
    await store.close();
    const bytes = Buffer.byteLength(page);
    console.log(`front page, 50 stories: ${bytes} bytes`);
    expect(page.match(/<article class="story">/g)).toHaveLength(50);
    expect(page.match(/also in/g)).toHaveLength(10);
    expect(bytes).toBeLessThan(60 * 1024);
  });
});

describe('tidings build on the bundled samples', () => {
  it('writes a site whose every link is relative and names, through the route table, a file that is there', async () => {
    const dir = tempDir();
    const args = ['--config', SAMPLES, '--db', join(dir, 't.db')];
    expect((await runCli(['refresh', ...args])).code).toBe(0);
    const out = join(dir, 'site');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(out, join(e.parentPath, e.name)).split(sep).join('/'));
    const written = new Set(files);
    const pages = files.filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(40);
    expect(written.has('page/2.html')).toBe(true);
    // A static host serves 404.html for what it lacks, as the daemon serves its 404 page.
    expect(written.has(NOT_FOUND)).toBe(true);
    // Each file's name is the path of the route it holds, written back as it was read.
    expect(
      files.filter((f) => {
        const route = parseRoute(f);
        return !route || routePath(route) !== f;
      }),
    ).toEqual([]);
    const broken: string[] = [];
    /** A link's site path, resolved from the page it is on: a route whose file the build wrote. */
    const check = (from: string, path: string) => {
      const route = parseRoute(path);
      if (!route || routePath(route) !== path || !written.has(path)) broken.push(`${from} → ${path}`);
    };
    for (const page of pages) {
      const html = readFileSync(join(out, page), 'utf8');
      // A folder of files answers no search: its pages offer none.
      expect(html).not.toContain('<form');
      // The 404 page is served at any depth: its links count from the site's root, which <base> names.
      for (const [, ref] of html.replace(/<base href="[^"]*">/, '').matchAll(/(?:href|src)="([^"]*)"/g)) {
        if (/^https?:\/\//.test(ref!)) {
          // Only the originals are absolute: never the site itself.
          expect(ref, page).not.toMatch(/^http:\/\/localhost:8080/);
          continue;
        }
        const url = new URL(ref!.replace(/&amp;/g, '&'), `http://site/${page}`);
        check(page, decodeURIComponent(url.pathname.slice(1)) + url.search);
      }
    }
    // Feeds and the OPML list link to the site absolutely, at its baseUrl.
    for (const feed of files.filter((f) => /\.(rss|atom|json|opml)$/.test(f))) {
      for (const [, ref] of readFileSync(join(out, feed), 'utf8').matchAll(/http:\/\/localhost:8080\/([^"<\s]*)/g)) {
        if (ref !== '') check(feed, decodeURIComponent(ref!));
      }
    }
    expect(broken.slice(0, 20)).toEqual([]);
  });
});
