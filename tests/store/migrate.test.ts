// tidings migrate --to postgres://…: the bundled samples (and one story told by two sources) in
// SQLite, copied into PostgreSQL, publish the same bytes, answer the same searches, and a refresh
// on PostgreSQL finds nothing new: fetch state, stories and tombstones came along.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { freshDatabase, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers-postgres.js';

const SAMPLES = resolve(__dirname, '../../feeds');
const story = readFileSync(join(FIXTURES, 'dedupe/stories/flood-evacuation.txt'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .join('\n');

/** Every file under a folder, by its path inside it. */
const tree = (root: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => [relative(root, join(d.parentPath, d.name)), readFileSync(join(d.parentPath, d.name), 'utf8')]),
  );

describe.skipIf(!POSTGRES_URL)(`tidings migrate ${POSTGRES_SKIP_REASON}`.trim(), () => {
  let dir: string;
  let sqlite: string;
  let url: string;
  let migrated: Awaited<ReturnType<typeof runCli>>;
  const cli = (db: string, ...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', db]);

  beforeAll(async () => {
    dir = tempDir();
    cpSync(SAMPLES, dir, { recursive: true });
    writeTree(dir, {
      'seeds/city/900-flood.txt': `${story}\n2024-03-05 10:00:00\n#flood #Riverside\n`,
      'seeds/science/900-flood.txt': `${story}\n2024-03-05 11:00:00\n#flood\n`,
    });
    sqlite = join(dir, 'storage/tidings.db');
    expect((await cli(sqlite, 'refresh')).code).toBe(0);
    // One article deleted (a tombstone), so that it must stay away after the move.
    const store = await openStore(sqlite);
    const [gone] = await store.articles({ source: 'transit', limit: 1 });
    expect(await store.deleteArticles([gone!.id], new Date())).toBe(1);
    await store.close();
    url = await freshDatabase();
    migrated = await cli(sqlite, 'migrate', '--to', url);
  });

  it('copies everything and says that every count matches', () => {
    expect(migrated.code, migrated.err).toBe(0);
    expect(migrated.err).toMatch(/copying .*tidings\.db into postgres:\/\/tidings@127\.0\.0\.1:\d+\/t_\w+/);
    expect(migrated.err).toMatch(/articles: \d+ of \d+/);
    expect(migrated.err).not.toContain('tidings-test@');
    for (const table of ['sources: 4 → 4', 'tombstones: 1 → 1', 'articles: 18 → 18', 'stories: 14 → 14'])
      expect(migrated.out).toContain(table);
    expect(migrated.out).toMatch(/done: every count matches/);
    expect(migrated.out).not.toContain('MISMATCH');
  });

  it('publishes the same feeds and pages, byte for byte', async () => {
    const [a, b] = [join(tempDir(), 'site'), join(tempDir(), 'site')];
    expect((await cli(sqlite, 'build', '--out', a)).code).toBe(0);
    expect((await cli(url, 'build', '--out', b)).code).toBe(0);
    const [before, after] = [tree(a), tree(b)];
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [path, text] of Object.entries(before)) expect(after[path], path).toBe(text);
  });

  it('finds the same articles, and lists the same duplicates and sources', async () => {
    // Search order is each engine's own ranking (bm25, ts_rank): the same matches, not always the same order.
    const lines = (text: string) => text.trim().split('\n').sort();
    for (const query of ['river*', '"market hall" OR tram', 'flood -tram']) {
      const [a, b] = [await cli(sqlite, 'articles', '--search', query), await cli(url, 'articles', '--search', query)];
      expect(b.code, b.err).toBe(0);
      expect(lines(a.out).length, query).toBeGreaterThan(0);
      expect(lines(b.out), query).toEqual(lines(a.out));
    }
    for (const args of [
      ['articles', '--duplicates'],
      ['sources', 'list'],
    ]) {
      const [a, b] = [await cli(sqlite, ...args), await cli(url, ...args)];
      expect(b.out, args.join(' ')).toBe(a.out);
    }
  });

  it('refreshes on PostgreSQL without finding anything new: fetch state, stories and tombstones came along', async () => {
    const run = await cli(url, 'refresh', '--json');
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ ok: true, new: 0, updated: 0 });
  });

  it('refuses a database that is not empty, and leaves it as it was', async () => {
    const again = await cli(sqlite, 'migrate', '--to', url);
    expect(again.code).toBe(2);
    expect(again.err.trim().split('\n').at(-1)).toMatch(
      /^error: postgres:\/\/tidings@.* is not empty \(4 sources, 18 articles\): migrate into a new, empty database$/,
    );
    const store = await openStore(url);
    expect(await store.count('articles')).toBe(18);
    await store.close();
  });

  it('refuses what it cannot move, in one line', async () => {
    expect((await cli(sqlite, 'migrate', '--to', join(dir, 'other.db'))).err).toMatch(
      /^error: migrate --to takes a postgres:\/\/.* URL/,
    );
    expect((await cli(url, 'migrate', '--to', url)).err).toMatch(/^error: migrate copies an SQLite database/);
    const missing = await cli(join(dir, 'nothing.db'), 'migrate', '--to', url);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nothing\.db: there is no such database/);
  });
});
