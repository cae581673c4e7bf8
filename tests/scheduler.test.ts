// When sources are due, overlap, and the refresh lease, all with an injected clock.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import { silentLogger } from '../src/log.js';
import { cronInterval, isDue, nextRun } from '../src/due.js';
import { BusyError } from '../src/errors.js';
import { refreshWithLease } from '../src/refresh.js';
import { Scheduler } from '../src/scheduler.js';
import type { FetchState } from '../src/model.js';
import { openStore } from '../src/store/open-store.js';
import { WorkerPool } from '../src/work/pool.js';
import { recorder, tempDir, writeTree } from './helpers.js';
import { startServer } from './helpers-http.js';

const work = new WorkerPool();
afterAll(() => work.close());

const T0 = new Date('2030-01-01T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const settings = { schedule: '*/15 * * * *', minInterval: 300, maxInterval: 86_400 };

function state(over: Partial<FetchState> = {}): FetchState {
  return { name: 'a', type: 'feed', location: 'x', url: 'x', consecutiveErrors: 0, gone: false, skipHours: [], skipDays: [], articles: 0, lastCheck: T0, lastSuccess: T0, ...over };
}

describe('isDue', () => {
  it.each([
    ['never checked', undefined, undefined, 0, true, 'never checked'],
    ['checked just now', state(), undefined, 1, false, 'minimum interval'],
    ['after the minimum interval', state(), undefined, 5, true, 'due'],
    ['RSS ttl of 60 minutes, at 30', state({ ttlMinutes: 60 }), undefined, 30, false, 'the feed TTL'],
    ['RSS ttl of 60 minutes, at 60', state({ ttlMinutes: 60 }), undefined, 60, true, 'due'],
    ['Cache-Control max-age until +45', state({ cacheUntil: at(45) }), undefined, 30, false, 'Cache-Control or Expires'],
    ['Cache-Control passed', state({ cacheUntil: at(45) }), undefined, 45, true, 'due'],
    ['Retry-After until +120', state({ nextFetch: at(120) }), undefined, 60, false, 'Retry-After'],
    ['gone', state({ gone: true }), undefined, 10_000, false, 'gone (HTTP 410)'],
    ['own hourly schedule, before the hour', state(), '0 * * * *', 30, false, 'its schedule'],
    ['own hourly schedule, at the hour', state(), '0 * * * *', 60, true, 'due'],
    ['skipHours covers 13:00 GMT', state({ skipHours: [13] }), undefined, 60, false, 'skipHours'],
    ['skipDays covers Tuesday', state({ skipDays: ['Tuesday'] }), undefined, 60, false, 'skipDays'],
    ['a TTL of two days is capped by maxInterval', state({ ttlMinutes: 2880 }), undefined, 1440, true, 'maximum interval reached'],
    ['2 errors: 15 min × 4 = 60 min back-off, at 45', state({ consecutiveErrors: 2 }), undefined, 45, false, 'back-off after errors'],
    ['2 errors, at 60', state({ consecutiveErrors: 2 }), undefined, 60, true, 'due'],
    ['10 errors: back-off capped at a day', state({ consecutiveErrors: 10 }), undefined, 1439, false, 'back-off after errors'],
  ])('%s', (_what, s, schedule, minutes, due, reason) => {
    const result = isDue(s, schedule, settings, at(minutes));
    expect(result).toMatchObject({ due, reason });
  });

  it('recovers at the first success: no back-off once the errors are cleared', () => {
    expect(isDue(state({ consecutiveErrors: 3 }), undefined, settings, at(20)).due).toBe(false);
    expect(isDue(state({ consecutiveErrors: 0 }), undefined, settings, at(20)).due).toBe(true);
  });

  it('reads cron intervals', () => {
    expect(cronInterval('*/15 * * * *', T0)).toBe(900);
    expect(cronInterval('0 9 * * 1-5', T0)).toBe(86_400);
    expect(nextRun('0 * * * *', new Date(2030, 0, 1, 12, 10))).toEqual(new Date(2030, 0, 1, 13, 0));
  });
});


describe('Scheduler and the lease', () => {
  it('skips a tick that finds the previous refresh still running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    const server = await startServer({ '/f.xml': (_req, res) => void gate.then(() => res.writeHead(200).end('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>')) });
    const config = parseConfig(`fetch: {allowPrivateNetworks: true}\nsources:\n  - {name: slow, type: feed, url: "${server.origin}/f.xml"}\n`, join(tempDir(), 't.yaml'));
    const store = openStore(':memory:');
    const log = recorder();
    const scheduler = new Scheduler({ config: () => config, store, work, log });
    try {
      const first = scheduler.tick('startup');
      expect(await scheduler.tick('scheduled')).toBe('overlap');
      expect(log.lines).toContain('refresh skipped: the previous refresh is still running');
      release();
      const results = await first;
      expect(Array.isArray(results) && results[0]!.new).toBe(1);
      // Checked a moment ago: nothing is due at the next tick.
      expect(await scheduler.tick('scheduled')).toBe('idle');
    } finally {
      await store.close();
      await server.close();
    }
  });

  it('two refreshes contending for the lease: one waits, no row is ingested twice', async () => {
    const dir = tempDir();
    writeTree(dir, { 'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n', 'seeds/b.txt': 'Two.\n2024-01-02 00:00:00\n#b\n' });
    const config = parseConfig('sources:\n  - {name: s, type: seeds, path: seeds}\n', join(dir, 't.yaml'));
    const db = join(dir, 't.db');
    const daemon = openStore(db);
    const cli = openStore(db);
    try {
      expect(await daemon.acquireLease('refresh', 'daemon:1', 60_000, new Date())).toBe(true);
      // Busy, and no waiting: a clear refusal naming the holder.
      await expect(refreshWithLease({ config, store: cli, work, log: silentLogger }, 'cli:2', 0)).rejects.toThrow(BusyError);
      await expect(refreshWithLease({ config, store: cli, work, log: silentLogger }, 'cli:2', 0)).rejects.toThrow(/another refresh is running \(daemon:1, pid \d+\)/);
      // Waiting: the CLI gets the lease once the daemon lets go.
      const waiting = refreshWithLease({ config, store: cli, work, log: silentLogger }, 'cli:2', 5_000);
      const daemonRun = refreshWithLease({ config, store: daemon, work, log: silentLogger }, 'daemon:1', 0);
      const [a] = await daemonRun;
      await daemon.releaseLease('refresh', 'daemon:1');
      const [b] = await waiting;
      expect([a!.new, b!.new, b!.unchanged]).toEqual([2, 0, 2]);
      expect(await daemon.count('articles')).toBe(2);
    } finally {
      await daemon.close();
      await cli.close();
    }
  });

  it('a lease left by a killed process expires by itself', async () => {
    const store = openStore(':memory:');
    const now = new Date('2030-01-01T00:00:00Z');
    expect(await store.acquireLease('refresh', 'dead:1', 60_000, now)).toBe(true);
    expect(await store.acquireLease('refresh', 'new:2', 60_000, new Date(now.getTime() + 30_000))).toBe(false);
    expect(await store.acquireLease('refresh', 'new:2', 60_000, new Date(now.getTime() + 61_000))).toBe(true);
    await store.close();
  });
});
