// The read path starts fast and changes nothing: `articles`, `sources list`, `stats` load no YAML
// parser, schema library or cron library they do not need, and open the store without a write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';

const SRC = resolve(__dirname, '../../src');

/** The packages a module reaches through static imports (type-only imports and import() left out). */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g,
    )) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec.split('/')[0]!);
    }
  };
  visit(entry);
  return packages;
}

describe('the read path', () => {
  const HEAVY = ['yaml', 'zod', 'node-cron', 'pino', 'pino-pretty'];
  // stats and sources list say when a source is fetched next (due.ts): they need the cron library.
  it.each([
    ['main.ts', HEAVY],
    ['commands/articles.ts', HEAVY],
    ['store/open-store.ts', HEAVY],
    ['commands/stats.ts', HEAVY.filter((p) => p !== 'node-cron')],
  ])('%s reaches none of %j', (module, heavy) => {
    const reached = packagesReached(join(SRC, module));
    for (const name of heavy) expect(reached, `${module} reaches ${name}`).not.toContain(name);
  });
});

describe('a read command and the store', () => {
  let dir: string;
  let db: string;
  let lock: Database.Database | undefined;
  const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', db]);

  beforeEach(async () => {
    dir = tempDir();
    db = join(dir, 't.db');
    writeTree(dir, {
      'feed.xml':
        '<rss version="2.0"><channel><title>T</title><link>https://example.org/</link><item><guid>g1</guid><title>The harbour reopens</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>Boats again.</description></item></channel></rss>',
      'tidings.yaml':
        'sources:\n  - {name: f, type: file, path: feed.xml}\n  - {name: g, type: file, path: feed.xml}\n',
    });
    expect((await cli('refresh')).code).toBe(0);
  });
  afterEach(() => lock?.close());

  /** Another connection holds the write lock, as a refresh in another process does while it writes. */
  const holdWriteLock = () => {
    lock = new Database(db);
    lock.pragma('busy_timeout = 0');
    lock.exec('BEGIN IMMEDIATE');
  };

  it.each([['articles', '--limit', '1'], ['sources', 'list'], ['stats']])(
    'tidings %s answers while another process holds the write lock',
    async (...args) => {
      holdWriteLock();
      const run = await cli(...args);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out).not.toBe('');
    },
  );

  it('still retires a source gone from the configuration, with a write when there is one to make', async () => {
    writeFileSync(join(dir, 'tidings.yaml'), 'sources:\n  - {name: f, type: file, path: feed.xml}\n');
    const sources = JSON.parse((await cli('stats', '--json')).out).sources;
    expect(sources.total).toBe(1);
    holdWriteLock();
    const run = await cli('articles', '--source', 'f');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/The harbour reopens/);
  });
});
