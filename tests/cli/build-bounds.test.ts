// Issue 25: `tidings build` writes output linear in what it holds, and stops on a signal.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers.js';

const item = (i: number, categories: number) =>
  `<item><guid>g${i}</guid><title>Story number ${i}</title><pubDate>${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}</pubDate>` +
  `<description>Text of story ${i} about the ${i % 7} harbour.</description>${Array.from({ length: categories }, (_, c) => `<category>topic ${c}</category>`).join('')}</item>`;
const feed = (items: number, categories: number) =>
  `<rss version="2.0"><channel><title>T</title><link>https://example.org/</link>${Array.from({ length: items }, (_, i) => item(i, categories)).join('')}</channel></rss>`;

function setUp(items: number, categories: number): { dir: string; args: string[] } {
  const dir = tempDir();
  writeFileSync(join(dir, 'feed.xml'), feed(items, categories));
  writeFileSync(
    join(dir, 'tidings.yaml'),
    'site:\n  baseUrl: https://example.org/\nsources:\n  - {name: f, type: file, path: feed.xml}\n',
  );
  return { dir, args: ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')] };
}

function filesUnder(dir: string): { count: number; bytes: number; temps: string[] } {
  const all = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
  return {
    count: all.length,
    bytes: all.reduce((n, f) => n + statSync(join(dir, f)).size, 0),
    temps: all.filter((f) => f.endsWith('.tmp')),
  };
}

describe('tidings build', () => {
  it('writes a feed of one item with 2,000 categories in a few files, not 8,000 (525 MB before)', async () => {
    const { dir, args } = setUp(1, 2000);
    expect((await runCli(['refresh', ...args])).code).toBe(0);
    const out = join(dir, 'out');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
    const written = filesUnder(out);
    expect(written.count).toBeLessThan(300);
    expect(written.bytes).toBeLessThan(10 * 1024 * 1024);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'stops on %s part way, leaving no temporary file',
    async (signal, status) => {
      const { dir, args } = setUp(3000, 3);
      expect((await runCli(['refresh', ...args])).code).toBe(0);
      const out = join(dir, 'out');
      const child = spawn(CLI[0]!, [...CLI.slice(1), 'build', '--out', out, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      // The first file written is the signal to stop it.
      await new Promise<void>((resolve) => {
        const poll = () => {
          try {
            const watcher = watch(out, { recursive: true }, () => (watcher.close(), resolve()));
          } catch {
            setImmediate(poll); // the folder is not there yet
          }
        };
        poll();
      });
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(status);
      expect(stdout).not.toContain('wrote'); // stopped before the end (how soon: npm run bench, hostile 4)
      expect(filesUnder(out).temps).toEqual([]);
    },
    120_000,
  );
});
