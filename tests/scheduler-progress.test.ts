// Issue 20, point 3: during a 12-minute tick nothing was logged and /healthz kept a 27-minute-old
// lastRefresh. A tick now says how far it is: in the log (at most every 30 s) and to /healthz.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import type { Clock } from '../src/lib/clock.js';
import { systemClock } from '../src/lib/clock.js';
import { Scheduler } from '../src/scheduler.js';
import { WorkerPool } from '../src/work/pool.js';
import { recorder, tempDir } from './helpers.js';
import { startServer } from './helpers-http.js';
import { freshStore, STORE_KINDS } from './stores.js';

const work = new WorkerPool();
afterAll(() => work.close());

it('a long tick logs its progress and reports it, until it ends', async () => {
  const gates = new Map<string, () => void>();
  const server = await startServer({
    '/f.xml': (req, res) => void gates.set(new URL(req.url!, 'http://x').searchParams.get('s')!, () => res.writeHead(200).end('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>')),
  });
  const sources = ['a', 'b', 'c'].map((n) => `  - {name: ${n}, type: feed, url: "${server.origin}/f.xml?s=${n}"}\n`).join('');
  const config = parseConfig(`fetch: {allowPrivateNetworks: true}\nsources:\n${sources}`, join(tempDir(), 't.yaml'));
  const store = await freshStore(STORE_KINDS[0]!);
  let mono = 0;
  const clock: Clock = { ...systemClock, monotonic: () => mono };
  const log = recorder();
  const done: string[] = [];
  let next!: () => void;
  const scheduler = new Scheduler({ config: () => config, store, work, log, clock, onResult: (r) => (done.push(r.source), next()) });
  const result = () => new Promise<void>((ok) => (next = ok));
  const asked = async (name: string) => {
    while (!gates.has(name)) await new Promise((ok) => setImmediate(ok));
    return gates.get(name)!;
  };
  try {
    const tick = scheduler.tick('startup');
    let seen = result();
    (await asked('a'))();
    await seen;
    expect(scheduler.current()).toMatchObject({ done: 1, total: 3, failed: 0 });
    mono += 31_000;
    seen = result();
    (await asked('b'))();
    await seen;
    expect(log.lines).toContainEqual(expect.stringMatching(/^refreshing: 2 of 3 sources done \(0 failed\) after \d+ s$/));
    expect(scheduler.current()).toMatchObject({ done: 2, total: 3 });
    (await asked('c'))();
    await tick;
    expect(scheduler.current()).toBeUndefined();
  } finally {
    await store.close();
    await server.close();
  }
});
