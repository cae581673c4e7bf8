// The operator's CLI: sources, OPML, search, stats, doctor, refresh --json; bad input of each kind.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { forEachStore } from '../stores.js';

const RSS = readFileSync(join(FIXTURES, 'feeds/rss2.xml'));
const CONFIG = `# Tidings configuration for the CLI tests.
site:
  title: CLI test # the site title
fetch:
  allowPrivateNetworks: true # the test server is on loopback

sources:
  # Local documents first.
  - name: notes
    type: seeds
    path: seeds
`;

let server: Awaited<ReturnType<typeof startServer>>;
let dir: string;
let db: string;
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', db]);
const configText = () => readFileSync(join(dir, 'tidings.yaml'), 'utf8');

beforeAll(async () => {
  server = await startServer({
    '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS),
    '/blog/': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>blog</body></html>',
        ),
    '/plain': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>no feeds here</body></html>'),
  });
});
afterAll(() => server.close());

forEachStore((kind) => {
  beforeEach(async () => {
    dir = tempDir();
    db = kind.name === 'sqlite' ? join(dir, 'db/t.db') : await kind.location();
    writeTree(dir, {
      'tidings.yaml': CONFIG,
      'seeds/a.txt':
        'The council approved the new tram line to the eastern docks.\n2024-01-18 10:00:00\n#Riverside #tram\n',
      'seeds/b.txt': 'Heavy rain flooded the old market hall overnight.\n2024-01-19 10:00:00\n#Riverside #flood\n',
      'digest.xml': RSS,
    });
  });

  describe('tidings sources', () => {
    it('add: a feed file and a URL, keeping the comments and order of the configuration', async () => {
      const file = await cli('sources', 'add', join(dir, 'digest.xml'), '--tag', 'digest');
      expect(file.code).toBe(0);
      expect(file.out).toMatch(/^added fixture-news: digest\.xml \(rss 2\.0, 2 entries\)/);
      const url = await cli('sources', 'add', `${server.origin}/blog/`, '--name', 'blog');
      expect(url.code).toBe(0);
      expect(url.out).toContain(`${server.origin}/blog/ is not a feed itself; found 1 feed (its autodiscovery links):`);
      expect(url.out).toContain(`\nchose ${server.origin}/feed.xml\n`);
      const text = configText();
      expect(
        text.startsWith('# Tidings configuration for the CLI tests.\nsite:\n  title: CLI test # the site title\n'),
      ).toBe(true);
      expect(text).toContain('  # Local documents first.\n  - name: notes');
      expect(text.indexOf('name: notes')).toBeLessThan(text.indexOf('name: fixture-news'));
      expect(text).toContain(`url: ${server.origin}/feed.xml`);
      const list = JSON.parse((await cli('sources', 'list', '--json')).out);
      expect(list.map((s: { name: string }) => s.name)).toEqual(['notes', 'fixture-news', 'blog']);
      expect(list[1]).toMatchObject({ type: 'file', tags: ['digest'], status: 'never checked', articles: 0 });
    });

    it('add refuses a URL that is not a feed, a duplicate name, and a missing file', async () => {
      // (A page without feed links leads to this server's /feed.xml, a well-known path: see discover.test.ts.)
      const missing = await cli('sources', 'add', `${server.origin}/missing`);
      expect(missing.code).toBe(1);
      expect(missing.err).toBe(`error: ${server.origin}/missing: fetch: HTTP 404 from ${server.origin}/missing\n`);
      expect((await cli('sources', 'add', join(dir, 'digest.xml'), '--name', 'notes')).err).toMatch(
        /a source named notes exists already/,
      );
      expect((await cli('sources', 'add', join(dir, 'missing.xml'))).err).toMatch(
        /missing\.xml: cannot read it \(ENOENT\)/,
      );
      expect(configText()).toBe(CONFIG);
    });

    it('remove, with --purge, and an unknown source', async () => {
      await cli('refresh');
      const removed = await cli('sources', 'remove', 'notes', '--purge');
      expect(removed.out).toBe(`removed notes from ${join(dir, 'tidings.yaml')}\npurged 2 articles of notes\n`);
      expect(configText()).toContain('# Tidings configuration for the CLI tests.');
      expect(configText()).not.toContain('name: notes');
      const unknown = await cli('sources', 'remove', 'nope');
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(/unknown source: nope \(see .*tidings\.yaml\)/);
    });
  });

  describe('OPML', () => {
    it('imports nested folders as tags and skips duplicates', async () => {
      const run = await cli('import', join(FIXTURES, 'opml/folders-style.opml'));
      expect(run.code).toBe(0);
      expect(run.out).toContain('folders-style.opml: 5 feeds; added 4, skipped 1');
      expect(run.out).toContain('added example-tech: https://tech.example.org/feed.xml [Tech]');
      expect(run.out).toContain('added deep-dives: https://deep.example.org/atom.xml [Tech, Deep]');
      expect(run.out).toContain('skipped https://tech.example.org/feed.xml: already a source');
      const again = await cli('import', join(FIXTURES, 'opml/folders-style.opml'));
      expect(again.out).toContain('added 0, skipped 5');
    });

    it('imports category attributes as tags and skips non-http URLs', async () => {
      const run = await cli('import', join(FIXTURES, 'opml/categories-style.opml'));
      expect(run.out).toContain('added science-daily: https://science.example.org/rss [Science, Reading, Weekend]');
      expect(run.out).toContain('skipped ftp://old.example.org/feed: not an http(s) URL');
    });

    it('refuses malformed OPML with the file and the line', async () => {
      const run = await cli('import', join(FIXTURES, 'opml/malformed.opml'));
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/malformed\.opml: not valid OPML: .*line \d+/);
    });

    it('exports OPML that imports back, and YAML', async () => {
      await cli('import', join(FIXTURES, 'opml/categories-style.opml'));
      const opml = (await cli('export')).out;
      // Folders are nested outlines, not category= (issue 20).
      expect(opml).toMatch(
        /<outline text="Science" title="Science">\s*<outline text="Reading" title="Reading">\s*<outline text="Weekend" title="Weekend">\s*<outline type="rss"[^>]*xmlUrl="https:\/\/science.example.org\/rss"/,
      );
      expect(opml).not.toContain('category=');
      writeFileSync(join(dir, 'out.opml'), opml);
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG);
      expect((await cli('import', join(dir, 'out.opml'))).out).toContain('added 2, skipped 0');
      const yaml = (await cli('export', '--format', 'yaml')).out;
      expect(yaml).toMatch(/^sources:\n  - name: notes/);
      expect((await cli('export', '--format', 'csv')).code).toBe(2);
    });
  });

  describe('tidings articles --search', () => {
    it('ranks matches and supports phrases, prefixes, AND/OR and filters, in step with edits and deletes', async () => {
      await cli('refresh');
      const ids = async (...args: string[]) =>
        (await cli('articles', '--json', ...args)).out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).title);
      expect(await ids('--search', 'tram')).toEqual(['Riverside tram']);
      expect(await ids('--search', '"market hall"')).toEqual(['Riverside flood']);
      expect(await ids('--search', 'flood*')).toEqual(['Riverside flood']);
      expect((await ids('--search', 'tram OR rain')).sort()).toEqual(['Riverside flood', 'Riverside tram']);
      expect(await ids('--search', 'tram AND rain')).toEqual([]);
      expect(await ids('--search', 'riverside', '--tag', 'flood')).toEqual(['Riverside flood']);
      expect(await ids('--search', 'riverside', '--since', '2024-01-19')).toEqual(['Riverside flood']);
      writeFileSync(
        join(dir, 'seeds/a.txt'),
        'The council approved a bus lane instead.\n2024-01-18 10:00:00\n#Riverside #tram\n',
      );
      await cli('refresh');
      expect(await ids('--search', 'docks')).toEqual([]);
      expect(await ids('--search', 'bus')).toEqual(['Riverside tram']);
      await cli('sources', 'remove', 'notes', '--purge');
      expect(await ids('--search', 'bus')).toEqual([]);
      const bad = await cli('articles', '--search', '"unclosed');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/bad search query/);
    });
  });

  describe('stats, doctor and refresh --json', () => {
    it('refresh --json prints one summary', async () => {
      const run = await cli('refresh', '--json');
      const summary = JSON.parse(run.out);
      expect(summary).toMatchObject({ ok: true, sources: 1, failed: 0, new: 2 });
      expect(run.out).not.toMatch(/\x1b\[/); // no escape codes off a terminal
    });

    it('stats --json', async () => {
      await cli('refresh');
      const stats = JSON.parse((await cli('stats', '--json')).out);
      expect(stats).toMatchObject({
        sources: { total: 1, byStatus: { ok: 1 } },
        articles: { total: 2, bySource: { notes: 2 }, byTag: { riverside: 2 } },
        stories: { total: 2, mergedDuplicates: 0 },
      });
      expect(stats.database.bytes).toBeGreaterThan(0);
      expect(stats.lastRefresh).not.toBeNull();
    });

    it.skipIf(kind.name !== 'sqlite')(
      'doctor reports each problem with its fix: a missing source path, an unwritable storage folder',
      async () => {
        expect((await cli('doctor')).code).toBe(0);
        writeFileSync(join(dir, 'tidings.yaml'), `${CONFIG}  - {name: gone, type: file, path: nowhere.xml}\n`);
        writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
        const run = await runCli(['doctor', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 'blocker/t.db')]);
        expect(run.code).toBe(1);
        expect(run.out).toMatch(
          /problem: storage folder .*blocker is not writable \((EEXIST|ENOTDIR)\)\n  fix: make it writable/,
        );
        expect(run.out).toMatch(
          /problem: source gone: .*nowhere\.xml does not exist\n  fix: create it, or correct sources\[1\]\.path/,
        );
        expect(run.out).toContain('2 problems found');
      },
    );

    it('every command has --help with an example', async () => {
      for (const command of [
        ['refresh'],
        ['build'],
        ['parse'],
        ['articles'],
        ['explain'],
        ['purge'],
        ['serve'],
        ['import'],
        ['export'],
        ['stats'],
        ['doctor'],
        ['sources', 'list'],
        ['sources', 'add'],
        ['sources', 'remove'],
      ]) {
        const help = await runCli([...command, '--help']);
        expect(help.code, command.join(' ')).toBe(0);
        expect(help.out, command.join(' ')).toMatch(/Examples?:\n  tidings /);
      }
    });
  });

  describe.skipIf(kind.name !== 'sqlite')('an unwritable storage folder', () => {
    it('refresh says which file it cannot open', async () => {
      mkdirSync(join(dir, 'x'));
      writeFileSync(join(dir, 'x/file'), '');
      const run = await runCli(['refresh', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 'x/file/t.db')]);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^error: .*x\/file\/t\.db: cannot open the database \(/);
    });
  });
});
