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
    '/f.xml': (req, res) =>
      void gates.set(new URL(req.url!, 'http://x').searchParams.get('s')!, () =>
        res.writeHead(200).end('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>'),
      ),
  });
  const sources = ['a', 'b', 'c']
    .map((n) => `  - {name: ${n}, type: feed, url: "${server.origin}/f.xml?s=${n}"}\n`)
    .join('');
  const config = parseConfig(`fetch: {allowPrivateNetworks: true}\nsources:\n${sources}`, join(tempDir(), 't.yaml'));
  const store = await freshStore(STORE_KINDS[0]!);
  let mono = 0;
  const clock: Clock = { ...systemClock, monotonic: () => mono };
  const log = recorder();
  const done: string[] = [];
  let next!: () => void;
  const scheduler = new Scheduler({
    config: () => config,
    store,
    work,
    log,
    clock,
    onResult: (r) => (done.push(r.source), next()),
  });
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
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^refreshing: 2 of 3 sources done \(0 failed\) after \d+ s$/),
    );
    expect(scheduler.current()).toMatchObject({ done: 2, total: 3 });
    (await asked('c'))();
    await tick;
    expect(scheduler.current()).toBeUndefined();
  } finally {
    await store.close();
    await server.close();
  }
});

// Issue 20, point 4: SIGTERM during a tick took 29.7 s to exit, "stopped" logged after 8.2 s: the
// sources still sleeping their place in the spread (up to two minutes) held the tick, and their
// timers the process. A shutdown now ends the tick at once and cancels every such timer.
it('a shutdown during a scheduled tick ends it at once: fetches in flight aborted, spread waits cancelled', async () => {
  let asked!: () => void;
  const hanging = new Promise<void>((ok) => (asked = ok));
  const server = await startServer({ '/f.xml': () => asked() });
  const sources = ['a', 'b', 'c', 'd', 'e', 'f']
    .map((n) => `  - {name: ${n}, type: feed, url: "${server.origin}/f.xml?s=${n}"}\n`)
    .join('');
  const config = parseConfig(
    `schedule: "0 * * * *"\nfetch: {allowPrivateNetworks: true, timeout: 60s}\nsources:\n${sources}`,
    join(tempDir(), 't.yaml'),
  );
  const store = await freshStore(STORE_KINDS[0]!);
  const timers = new Set<number>();
  let ids = 0;
  // The first source's turn comes at once; the others' never by themselves: only a cancelled timer goes away.
  const clock: Clock = {
    ...systemClock,
    setTimer: (fn) => {
      const id = (ids += 1);
      if (id === 1) return (void setImmediate(fn), { cancel: () => undefined });
      timers.add(id);
      return { cancel: () => void timers.delete(id) };
    },
  };
  const controller = new AbortController();
  const scheduler = new Scheduler({
    config: () => config,
    store,
    work,
    log: recorder(),
    clock,
    signal: controller.signal,
  });
  try {
    const tick = scheduler.tick('scheduled');
    await hanging; // one source is being fetched; the five others wait their turn in the spread
    expect(timers.size).toBe(5);
    controller.abort();
    const results = await tick;
    expect(Array.isArray(results) ? results.every((r) => !r.ok) : results).toBe(true);
    expect(timers.size).toBe(0);
  } finally {
    await store.close();
    await server.close();
  }
});
