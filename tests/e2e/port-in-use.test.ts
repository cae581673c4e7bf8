// tidings serve on a port that is taken: one line that says which flag or setting to change, exit 2.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnTidings } from '../helpers-daemon.js';
import { tempDir, writeTree } from '../helpers.js';

it('says how to choose another port when its own is taken', async () => {
  const taken = createServer();
  await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
  const { port } = taken.address() as { port: number };
  const dir = tempDir();
  writeTree(dir, { 'tidings.yaml': 'refreshOnStart: false\nsources: []\n' });
  try {
    const run = spawnTidings([
      'serve',
      '--port',
      String(port),
      '--config',
      join(dir, 'tidings.yaml'),
      '--db',
      join(dir, 't.db'),
    ]);
    expect(await run.exited).toBe(2);
    const errors = run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      `error: cannot listen on 127.0.0.1:${port}: the port is in use (another tidings serve?); pass --port N or set PORT, or server.port in the configuration`,
    ]);
    expect(run.output()).not.toMatch(/\n\s+at /);
  } finally {
    taken.close();
  }
});
