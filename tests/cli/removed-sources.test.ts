// Issue 20, point 1: the configuration is the truth about sources. The trial replaced the 4 samples
// in the YAML: their 17 articles stayed on the river, in /all.*, in tags and in stats; doctor said
// nothing; `sources remove city --purge` said "unknown source: city"; a deleted seed file kept its
// article; no command deleted one article.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';

const source = (name: string) => `  - name: ${name}\n    type: seeds\n    path: ${name}\n`;
const BOTH = `site:\n  title: Removed sources test\nsources:\n${source('city')}${source('notes')}`;
const NOTES_ONLY = `site:\n  title: Removed sources test\nsources:\n${source('notes')}`;

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', db]);
const stats = async () => JSON.parse((await cli('stats', '--json')).out);
const built = async () => {
  const out = join(dir, 'public');
  expect((await cli('build', '--out', out)).code).toBe(0);
  return {
    rss: readFileSync(join(out, 'all.rss'), 'utf8'),
    index: readFileSync(join(out, 'index.html'), 'utf8'),
    tags: readFileSync(join(out, 'tags.html'), 'utf8'),
  };
};

forEachStore((kind) => {
  beforeEach(async () => {
    dir = tempDir();
    db = kind.name === 'sqlite' ? join(dir, 't.db') : await kind.location();
    writeTree(dir, {
      'tidings.yaml': BOTH,
      'city/a.txt':
        'The council approved the new tram line to the eastern docks.\n2024-01-18 10:00:00\n#Riverside #tram\n',
      'city/b.txt': 'Heavy rain flooded the old market hall overnight.\n2024-01-19 10:00:00\n#Riverside #flood\n',
      'notes/c.txt': 'The library opens a reading room for night-shift workers.\n2024-01-20 10:00:00\n#library\n',
    });
    expect((await cli('refresh')).code).toBe(0);
  });

  describe('a source gone from the configuration', () => {
    it('leaves the river, /all.*, tags and stats at once; doctor and stats announce the purge; purge NAME deletes it', async () => {
      writeFileSync(join(dir, 'tidings.yaml'), NOTES_ONLY);
      const site = await built();
      expect(site.rss).toContain('reading room');
      expect(site.rss).not.toContain('tram line');
      expect(site.index).not.toContain('market hall');
      expect(site.tags).not.toMatch(/Riverside/);
      const s = await stats();
      expect(s.articles.total).toBe(1);
      expect(s.removedSources).toEqual([expect.objectContaining({ name: 'city', articles: 2 })]);
      expect((await cli('stats')).out).toMatch(
        /removed source city: 2 articles, unpublished since \d{4}-\d\d-\d\d, deleted on \d{4}-\d\d-\d\d \(tidings purge city deletes them now\)/,
      );
      const doctor = await cli('doctor');
      expect(doctor.out).toMatch(/note: removed source city: 2 articles/);
      // Put back within the grace period, it comes back whole, without a fetch.
      writeFileSync(join(dir, 'tidings.yaml'), BOTH);
      expect((await built()).rss).toContain('tram line');
      writeFileSync(join(dir, 'tidings.yaml'), NOTES_ONLY);
      await stats();
      const purge = await cli('purge', 'city');
      expect(purge.out).toContain('purged 2 articles of city');
      expect((await stats()).removedSources).toEqual([]);
      expect((await cli('articles', '--source', 'city')).out).toBe('');
    });

    it('sources remove: says what happens to the articles, and --purge works by name on a source already gone', async () => {
      const removed = await cli('sources', 'remove', 'city');
      expect(removed.code).toBe(0);
      expect(removed.out).toMatch(
        /its articles are off the site and feeds now; city: 2 articles, unpublished since .*, deleted on .* \(tidings purge city deletes them now\)/,
      );
      expect((await built()).rss).not.toContain('tram line');
      const purged = await cli('sources', 'remove', 'city', '--purge');
      expect(purged.code).toBe(0);
      expect(purged.out).toContain('purged 2 articles of city');
      expect((await cli('sources', 'remove', 'city')).err).toMatch(/unknown source: city/);
    });

    it('a removed source added again after a purge gets its articles back (no tombstones)', async () => {
      writeFileSync(join(dir, 'tidings.yaml'), NOTES_ONLY);
      await cli('purge', 'city');
      writeFileSync(join(dir, 'tidings.yaml'), BOTH);
      expect((await cli('refresh')).out).toContain('city: 2 new');
    });
  });

  it('a deleted seed document takes its article with it, and comes back if put back', async () => {
    const text = readFileSync(join(dir, 'city/a.txt'));
    rmSync(join(dir, 'city/a.txt'));
    expect((await cli('refresh')).out).toContain(
      'city: 0 new, 0 updated, 1 unchanged, 1 deleted with their seed documents',
    );
    expect((await built()).rss).not.toContain('tram line');
    writeFileSync(join(dir, 'city/a.txt'), text);
    expect((await cli('refresh')).out).toContain('city: 1 new');
  });

  it('articles delete ID: off the site, and kept out of later refreshes', async () => {
    const [article] = JSON.parse(
      `[${(await cli('articles', '--source', 'city', '--json')).out.trim().split('\n').join(',')}]`,
    );
    const deleted = await cli('articles', 'delete', article.id);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain(`deleted ${article.id} (city: `);
    writeFileSync(join(dir, 'city', 'a.txt'), `${readFileSync(join(dir, 'city/a.txt'), 'utf8')}\n`);
    writeFileSync(join(dir, 'city', 'b.txt'), `${readFileSync(join(dir, 'city/b.txt'), 'utf8')}\n`);
    await cli('refresh');
    expect((await cli('articles', '--source', 'city')).out).not.toContain(article.id);
    expect((await cli('articles', 'delete', 'nope')).err).toBe('error: no article nope (see tidings articles)\n');
  });
});
