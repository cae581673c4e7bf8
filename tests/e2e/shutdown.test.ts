// SIGTERM always ends `tidings serve`, with exit status 0, within 10 s: at start-up, with a huge
// document in a parse worker, and in the middle of a large ingest (whose transaction is all or nothing).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers.js';
import { startDaemon, spawnTidings } from '../helpers-daemon.js';

const seedsConfig = (extra = '') => `${extra}sources:\n  - {name: s, type: seeds, path: seeds}\n`;

describe('SIGTERM', () => {
  it('at start-up, as soon as it says it is starting', async () => {
    const dir = tempDir();
    writeTree(dir, { 'tidings.yaml': seedsConfig(), 'seeds/a.txt': 'A.\n2024-01-01 00:00:00\n#a\n' });
    const { child, exited, output } = spawnTidings(['serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
    while (!/starting \(pid/.test(output()) && child.exitCode === null) await new Promise((ok) => setImmediate(ok));
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('while a worker parses a huge document', async () => {
    const dir = tempDir();
    // 20 MiB of "a<p" in one item: it takes the parser seconds.
    const evil = 'a&lt;p'.repeat((20 * 1024 * 1024) / 6);
    writeTree(dir, { 'tidings.yaml': 'fetch: {maxBodySize: 64MiB}\nsources:\n  - {name: huge, type: file, path: huge.xml}\n' });
    writeFileSync(join(dir, 'huge.xml'), `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${evil}</description></item></channel></rss>`);
    const daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
    await new Promise((ok) => setTimeout(ok, 500));
    expect(daemon.output()).not.toMatch(/refreshed 1 sources/); // still parsing
    const { code, ms } = await daemon.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    console.log(`SIGTERM mid-parse: exited 0 in ${ms} ms`);
  });

  it('in the middle of an ingest of 5,000 seed documents: all of it or none of it is stored', async () => {
    const dir = tempDir();
    const files: Record<string, string> = { 'tidings.yaml': seedsConfig() };
    for (let i = 0; i < 5000; i += 1) files[`seeds/${String(i).padStart(4, '0')}.txt`] = `Story ${i} of the day, with words of its own: ${'lorem ipsum dolor '.repeat(20)}${i}.\n2024-01-01 00:00:00\n#bulk #n${i}\n`;
    writeTree(dir, files);
    const db = join(dir, 't.db');
    const daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', db]);
    // Wait until the ingest is writing: its transaction has put pages in the write-ahead log.
    const { statSync, existsSync } = await import('node:fs');
    const started = Date.now();
    while (!(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 1_000_000) && Date.now() - started < 20_000) await new Promise((ok) => setTimeout(ok, 20));
    const { code, ms } = await daemon.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    const check = new Database(db, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect([0, 5000]).toContain(check.prepare('SELECT count(*) FROM articles').pluck().get());
    } finally {
      check.close();
    }
    console.log(`SIGTERM mid-ingest: exited 0 in ${ms} ms`);
  }, 60_000);
});
