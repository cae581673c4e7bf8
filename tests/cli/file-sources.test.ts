// Issue 25: a `type: file` source that is not a regular file fails alone, at once, in one line:
// a FIFO hung `refresh`; /dev/zero, whose stat says 0 bytes, took gigabytes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeedFile } from '../../src/ingest/files.js';
import { runCli, tempDir } from '../helpers.js';

const RSS = '<rss version="2.0"><channel><title>T</title><item><guid>g1</guid><title>Trams run late</title></item></channel></rss>';

describe('a feed file source', () => {
  it.each([
    ['a FIFO', (dir: string) => (execFileSync('mkfifo', [join(dir, 'pipe.xml')]), join(dir, 'pipe.xml')), 'FIFO'],
    ['/dev/zero', () => '/dev/zero', 'device'],
    ['a folder', (dir: string) => dir, 'folder'],
  ])('at %s fails alone with one line', async (_, make, kind) => {
    const dir = tempDir();
    const path = make(dir);
    writeFileSync(join(dir, 'good.xml'), RSS);
    writeFileSync(join(dir, 'tidings.yaml'), `sources:\n  - {name: bad, type: file, path: ${JSON.stringify(path)}}\n  - {name: good, type: file, path: good.xml}\n`);
    const run = await runCli(['refresh', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
    expect(run.code).toBe(1);
    const line = `bad: failed: ${path}: not a regular file (a ${kind}); a feed file source reads regular files only`;
    expect(run.out.split('\n')).toContain(line);
    expect(run.out).toMatch(/^good: .*1 new/m);
    expect(run.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reads no more than the limit, whatever stat says', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f.xml'), RSS);
    await expect(readFeedFile(join(dir, 'f.xml'), 10)).rejects.toThrow(`${join(dir, 'f.xml')}: larger than the 10 byte limit`);
    expect((await readFeedFile(join(dir, 'f.xml'), RSS.length)).toString()).toBe(RSS);
  });
});
