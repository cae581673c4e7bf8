// The CLI's output to a reader that stops reading (tidings parse --json … | head -c 100): the
// command ends quietly, without a stack trace.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI, tempDir, writeTree } from '../helpers.js';

it('stops quietly when the reader of its output goes away', async () => {
  const dir = tempDir();
  // Half a megabyte of JSON at least: more than a pipe holds, so writing goes on after the reader left.
  const items = Array.from(
    { length: 400 },
    (_, i) =>
      `<item><title>Item ${i}</title><guid>i${i}</guid><description>${'Words of the item. '.repeat(60)}</description></item>`,
  );
  writeTree(dir, { 'big.xml': `<rss version="2.0"><channel><title>Big</title>${items.join('')}</channel></rss>` });
  const child = spawn(CLI[0]!, [...CLI.slice(1), 'parse', '--json', join(dir, 'big.xml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise((done) => child.on('exit', done));
  expect(err).toBe('');
  expect(code).toBe(0);
});
