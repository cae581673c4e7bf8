// The HTML pages as files: light (the front page of 50 stories under 60 KB), and a built site
// whose every link is relative and names a file that is there, so it works from disk and under
// any sub-path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { storeEntries } from '../../src/refresh.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import { fingerprinted, madeUpText, runCli, tempDir } from '../helpers.js';

const SAMPLES = resolve(__dirname, '../../feeds/tidings.yaml');

describe('the front page', () => {
  it('holds 50 stories in under 60 KB', async () => {
    const config = parseConfig('site: {title: Weight, itemsPerPage: 50}\nsources:\n  - {name: desk, type: seeds, path: a, title: The city desk}\n  - {name: wire, type: seeds, path: b, title: The regional wire}\n', '/tmp/t.yaml');
    const store = await openStore(':memory:');
    const words = madeUpText(3);
    for (const [i, name] of ['desk', 'wire'].entries()) await store.upsertSource({ name, type: 'seeds', location: name }, new Date(), i);
    // Stories as long as real ones: a headline of eight words, a long first paragraph, five tags; a
    // fifth of them told by both sources ("also in").
    const entry = (n: number, source: string) => ({
      ...fingerprinted(`${source}-${n}`, words(8), `${words(90)} ${n}`, Date.UTC(2025, 0, 1 + Math.floor(n / 6), n % 24)),
      summary: words(70),
      tags: Array.from({ length: 5 }, (_, t) => ({ slug: `tag-${(n + t) % 30}`, label: `Tag ${(n + t) % 30}` })),
    });
    const desk = Array.from({ length: 50 }, (_, n) => entry(n, 'desk'));
    await storeEntries(store, 'desk', desk, new Date(), config.dedupe);
    await storeEntries(store, 'wire', desk.filter((_, n) => n % 5 === 0).map((d) => ({ ...d, identity: `wire-${d.identity}` })), new Date(), config.dedupe);
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
  it('writes a site whose every link is relative and names a file that is there', async () => {
    const dir = tempDir();
    const args = ['--config', SAMPLES, '--db', join(dir, 't.db')];
    expect((await runCli(['refresh', ...args])).code).toBe(0);
    const out = join(dir, 'site');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
    const pages = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.html'))
      .map((e) => join(e.parentPath, e.name));
    expect(pages.length).toBeGreaterThan(40);
    expect(existsSync(join(out, 'page/2.html'))).toBe(true);
    const broken: string[] = [];
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      // A folder of files answers no search: its pages offer none.
      expect(html).not.toContain('<form');
      for (const [, ref] of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
        if (/^https?:\/\//.test(ref!)) {
          // Only the originals are absolute: never the site itself.
          expect(ref, relative(out, file)).not.toMatch(/^http:\/\/localhost:8080/);
          continue;
        }
        const target = resolve(dirname(file), decodeURIComponent(ref!.replace(/&amp;/g, '&')));
        if (!existsSync(target)) broken.push(`${relative(out, file)} → ${ref}`);
      }
    }
    expect(broken.slice(0, 20)).toEqual([]);
  });
});
