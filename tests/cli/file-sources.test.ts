// Issue 25: a `type: file` source that is not a regular file fails alone, at once, in one line:
// a FIFO hung `refresh`; /dev/zero, whose stat says 0 bytes, took gigabytes.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { readFeedFile } from '../../src/ingest/files.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { runCli, tempDir } from '../helpers.js';

const RSS =
  '<rss version="2.0"><channel><title>T</title><item><guid>g1</guid><title>Trams run late</title></item></channel></rss>';

describe('a feed file source', () => {
  it.each([
    ['a FIFO', (dir: string) => (execFileSync('mkfifo', [join(dir, 'pipe.xml')]), join(dir, 'pipe.xml')), 'FIFO'],
    ['/dev/zero', () => '/dev/zero', 'device'],
    ['a folder', (dir: string) => dir, 'folder'],
  ])('at %s fails alone with one line', async (_, make, kind) => {
    const dir = tempDir();
    const path = make(dir);
    writeFileSync(join(dir, 'good.xml'), RSS);
    writeFileSync(
      join(dir, 'tidings.yaml'),
      `sources:\n  - {name: bad, type: file, path: ${JSON.stringify(path)}}\n  - {name: good, type: file, path: good.xml}\n`,
    );
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
    await expect(readFeedFile(join(dir, 'f.xml'), 10)).rejects.toThrow(
      `${join(dir, 'f.xml')}: larger than the 10 byte limit`,
    );
    expect((await readFeedFile(join(dir, 'f.xml'), RSS.length)).toString()).toBe(RSS);
  });
});

// In the daemon, one FIFO made every later tick "refresh skipped"; five took every worker of the pool.
it('five FIFO sources neither hold the workers nor the next refresh', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'good.xml'), RSS);
  const fifos = Array.from({ length: 5 }, (_, i) => join(dir, `pipe${i}.xml`));
  for (const f of fifos) execFileSync('mkfifo', [f]);
  const yaml = `sources:\n${fifos.map((f, i) => `  - {name: bad${i}, type: file, path: ${JSON.stringify(f)}}\n`).join('')}  - {name: good, type: file, path: good.xml}\n`;
  const config = parseConfig(yaml, join(dir, 'tidings.yaml'));
  const store = new SqliteStore(join(dir, 't.db'));
  const work = new WorkerPool();
  try {
    for (const tick of [1, 2]) {
      const results = await refreshAll({ config, store, work, log: silentLogger });
      expect(
        results
          .filter((r) => !r.ok)
          .map((r) => r.source)
          .sort(),
        `tick ${tick}`,
      ).toEqual(['bad0', 'bad1', 'bad2', 'bad3', 'bad4']);
      expect(results.find((r) => r.source === 'good')).toMatchObject({ ok: true });
    }
  } finally {
    await work.close();
    await store.close();
  }
});
