// Issue 20, point 3: 24 sources on one host that each answered 304 in about 10 ms took 720 s,
// because each slept its spread delay while holding one of the host's fetch.perHost places. The
// delay is now slept before a place is taken: a sleeping source never holds up another.
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { tempDir } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { freshStore, STORE_KINDS } from '../stores.js';

let server: Awaited<ReturnType<typeof startServer>>;
let store: Store;
const work = new WorkerPool();
const fetched: string[] = [];

beforeAll(async () => {
  server = await startServer({
    '/f.xml': (req, res) => {
      fetched.push(new URL(req.url!, 'http://x').searchParams.get('s')!);
      // A small feed (a 304 to a request without validators is an anomaly since issue 25).
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end('<rss version="2.0"><channel><title>T</title></channel></rss>');
    },
  });
  store = await freshStore(STORE_KINDS[0]!);
});
afterAll(async () => {
  await server.close();
  await store.close();
  await work.close();
});

it('a source sleeping its spread delay holds no place of its host: the others are fetched meanwhile', async () => {
  const names = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const sources = names.map((n) => `  - {name: ${n}, type: feed, url: "${server.origin}/f.xml?s=${n}"}\n`).join('');
  const config = parseConfig(
    `fetch:\n  allowPrivateNetworks: true\n  perHost: 1\nsources:\n${sources}`,
    join(tempDir(), 't.yaml'),
  );
  const results: string[] = [];
  let wakeS1!: () => void;
  // s1 sleeps until the five others are done: the old behaviour (the others queued behind s1's
  // sleep) never wakes it, and fails by the test's timeout.
  const s1Slept = new Promise<void>((ok) => (wakeS1 = ok));
  const wait = (ms: number) => (ms === 60_000 ? s1Slept : Promise.resolve());
  const signal = new AbortController().signal;
  const all = await refreshAll(
    { config, store, work, log: silentLogger, wait, signal },
    {
      startDelay: (s) => (s.name === 's1' ? 60_000 : 0),
      onResult: (r) => {
        results.push(r.source);
        if (results.length === 5) wakeS1();
      },
    },
  );
  expect(all.every((r) => r.ok)).toBe(true);
  expect(fetched).toEqual(['s2', 's3', 's4', 's5', 's6', 's1']);
  expect(results.at(-1)).toBe('s1');
  // Results still come back in configuration order.
  expect(all.map((r) => r.source)).toEqual(names);
  // The daemon's signal outlives every tick: a tick leaves no listener on it.
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
});
