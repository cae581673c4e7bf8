// Configuration and seeds → refresh → build, through the CLI, in a temporary folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { HAS_SEED, SEED, runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';

const CONFIG = `site:
  title: Test site
  baseUrl: https://news.example.org
sources:
  - name: world
    type: seeds
    path: seeds/world
    tags: [World]
  - name: more
    type: seeds
    path: seeds/more
`;

const doc = (text: string, stamp: string, tags: string) => `${text}\n${stamp}\n${tags}\n`;

forEachStore((kind) =>
  describe.skipIf(!HAS_SEED)(`end to end ${HAS_SEED ? '' : '(skipped: ../shared/seeds is absent)'}`, () => {
    let dir: string;
    let db: string;
    let args: string[];
    const cli = (...rest: string[]) => runCli([...rest, ...args]);
    const rows = async (table: 'articles' | 'article_tags') => {
      const store = await openStore(db);
      try {
        return await store.count(table);
      } finally {
        await store.close();
      }
    };

    beforeEach(async () => {
      dir = tempDir();
      db = kind.name === 'sqlite' ? join(dir, 'db/t.db') : await kind.location();
      writeTree(dir, {
        'tidings.yaml': CONFIG,
        'seeds/world/000_seed.txt': readFileSync(SEED),
        'seeds/world/sub/second.txt': doc(
          'Another story from Pakistan about trade.',
          '2024-01-19 08:00:00',
          '#Pakistan #trade',
        ),
        'seeds/more/a.txt': doc('A story about rain.', '2024-01-17 10:00:00', '#weather'),
      });
      args = ['--config', join(dir, 'tidings.yaml'), '--db', db];
    });

    it('refreshes, builds, and every output parses back', async () => {
      const refresh = await cli('refresh');
      expect(refresh.err).toBe('');
      expect(refresh.out).toBe(
        'world: 2 new, 0 updated, 0 unchanged\nmore: 1 new, 0 updated, 0 unchanged\ntotal: 2 sources, 3 new, 0 updated, 0 unchanged; 0 failed\n',
      );
      expect(refresh.code).toBe(0);
      const build = await cli('build', '--out', join(dir, 'out'));
      expect(build.code).toBe(0);

      const parser = new Parser();
      const read = (p: string) => readFileSync(join(dir, 'out', p), 'utf8');
      for (const path of ['all', 'tags/pakistan']) {
        const rss = await parser.parseString(read(`${path}.rss`));
        const atom = await parser.parseString(read(`${path}.atom`));
        const json = JSON.parse(read(`${path}.json`));
        for (const items of [rss.items, atom.items, json.items]) {
          const titles = items.map((i: { title: string }) => i.title);
          expect(titles).toContain('Pakistan expels Iranian ambassador');
        }
        expect(json.version).toBe('https://jsonfeed.org/version/1.1');
        expect(rss.items[0]!.title).toBe('Pakistan trade'); // newest first
      }
      const json = JSON.parse(read('all.json'));
      const seed = json.items.find((i: { title: string }) => i.title === 'Pakistan expels Iranian ambassador');
      expect(seed.date_published).toBe('2024-01-18T11:08:24.000Z');
      expect(seed.tags).toEqual(['Pakistan', 'Iranian', 'World']);
      expect(seed.url).toMatch(/^https:\/\/news\.example\.org\/articles\/[0-9a-f]{16}\.html$/); // the file the build wrote
      expect(seed.id).toMatch(/^urn:tidings:article:[0-9a-f]{16}$/);
      expect(seed.content_html).toContain('<p>Iran defended its attacks.</p>');
      expect(json.items.map((i: { title: string }) => i.title)).toEqual([
        'Pakistan trade',
        'Pakistan expels Iranian ambassador',
        'weather',
      ]);

      const atom = await parser.parseString(read('tags/pakistan.atom'));
      expect(atom.title).toBe('Test site · Pakistan');
      expect(atom.items).toHaveLength(2);
      const rss = await parser.parseString(read('sources/more.rss'));
      expect(rss.items.map((i) => i.title)).toEqual(['weather']);
      expect(read('index.html')).toContain('<link rel="alternate" type="application/rss+xml"');
      // Pages link relatively; the feeds they name are there.
      expect(read('tags.html')).toContain('href="tags/pakistan.rss"');
      expect(read('tags/pakistan.html')).toContain('href="../tags/pakistan.atom"');
      expect(read('index.html')).toContain('Pakistan expels Iranian ambassador</a>');
    });

    it('a second refresh changes nothing; an edited seed updates its article in place', async () => {
      await cli('refresh');
      const before = { articles: await rows('articles'), tags: await rows('article_tags') };
      const again = await cli('refresh');
      // Issue 20, point 12: quiet sources are a count in the total, not a line each.
      expect(again.out).toBe('total: 2 sources, 0 new, 0 updated, 3 unchanged; 2 without changes; 0 failed\n');
      expect({ articles: await rows('articles'), tags: await rows('article_tags') }).toEqual(before);

      const listed = JSON.parse((await cli('articles', '--source', 'more', '--json')).out.trim());
      writeFileSync(
        join(dir, 'seeds/more/a.txt'),
        doc('A story about rain and wind.', '2024-01-17 10:00:00', '#weather #wind'),
      );
      const edited = await cli('refresh', 'more');
      expect(edited.out).toBe('more: 0 new, 1 updated, 0 unchanged\n');
      expect(await rows('articles')).toBe(before.articles);
      const after = JSON.parse((await cli('articles', '--source', 'more', '--json')).out.trim());
      expect(after.id).toBe(listed.id);
      expect(after.title).toBe('weather wind');
      expect(after.tags.map((t: { slug: string }) => t.slug)).toEqual(['weather', 'wind']);
      expect(after.content).toBe('<p>A story about rain and wind.</p>');
      expect(Date.parse(after.updated)).toBeGreaterThan(Date.parse(listed.updated));
    });

    it('a refused file does not stop the others, and exits 1', async () => {
      writeTree(dir, { 'seeds/more/bad.txt': new Uint8Array([0x41, 0, 0x42]), 'seeds/more/empty.txt': '' });
      const run = await cli('refresh');
      expect(run.code).toBe(1);
      expect(run.out).toContain('world: 2 new');
      expect(run.out).toContain('more: 1 new, 0 updated, 0 unchanged, 2 refused');
      expect(run.err).toMatch(/bad\.txt: refused: not a text file/);
      expect(run.err).toMatch(/empty\.txt: refused: empty file/);
      expect(await rows('articles')).toBe(3);
    });

    it('a missing seed folder fails that source alone and keeps what was stored', async () => {
      await cli('refresh');
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG.replace('seeds/more', 'seeds/gone'));
      const run = await cli('refresh');
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/more: failed: .*seeds\/gone: cannot read the seed folder \(ENOENT\)/);
      expect(run.out).toContain('total: 2 sources, 0 new, 0 updated, 2 unchanged; 1 without changes; 1 failed');
      expect(await rows('articles')).toBe(3);
    });

    it('exits 2 with the file and key for a bad configuration, and for an unknown source', async () => {
      writeFileSync(join(dir, 'tidings.yaml'), `${CONFIG}  - name: x\n    type: seeds\n    path: p\n    colour: red\n`);
      const bad = await cli('refresh');
      expect(bad.code).toBe(2);
      expect(bad.err).toBe(`error: ${join(dir, 'tidings.yaml')}: sources[2].colour: unknown key\n`);
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG);
      const unknown = await cli('refresh', 'nope');
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(/unknown source: nope/);
      expect((await runCli(['refresh', '--bogus'])).code).toBe(2);
    });
  }),
);
