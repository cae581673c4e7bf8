// When sources are due, overlap, and the refresh lease, all with an injected clock.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import { silentLogger } from '../src/log.js';
import { cronInterval, isDue, nextFetch, nextRun, sourceStatus } from '../src/due.js';
import { BusyError } from '../src/errors.js';
import { refreshAll, refreshDue, refreshNow } from '../src/refresh-all.js';
import { Scheduler } from '../src/scheduler.js';
import type { FetchState } from '../src/model.js';
import { thisProcess } from '../src/lib/process.js';
import { openStore } from '../src/store/open-store.js';
import { forEachStore, freshStore, STORE_KINDS } from './stores.js';
import { WorkerPool } from '../src/work/pool.js';
import { recorder, tempDir, writeTree } from './helpers.js';
import { startServer } from './helpers-http.js';

const work = new WorkerPool();
afterAll(() => work.close());

const T0 = new Date('2030-01-01T12:00:00Z');
/** A lease holder: this process under another name, or a process on another host. */
const me = (name: string) => ({ name, ...thisProcess() });
const elsewhere = (name: string) => ({ name, host: 'elsewhere.example', pid: 1, started: 1 });
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const settings = { schedule: '*/15 * * * *', minInterval: 300, maxInterval: 86_400 };

function state(over: Partial<FetchState> = {}): FetchState {
  return {
    name: 'a',
    type: 'feed',
    location: 'x',
    url: 'x',
    consecutiveErrors: 0,
    gone: false,
    skipHours: [],
    skipDays: [],
    articles: 0,
    lastCheck: T0,
    lastSuccess: T0,
    ...over,
  };
}

describe('isDue', () => {
  it.each([
    ['never checked', undefined, undefined, 0, true, 'never checked'],
    ['checked just now', state(), undefined, 1, false, 'minimum interval'],
    ['after the minimum interval', state(), undefined, 5, true, 'due'],
    ['RSS ttl of 60 minutes, at 30', state({ ttlMinutes: 60 }), undefined, 30, false, 'the feed TTL'],
    ['RSS ttl of 60 minutes, at 60', state({ ttlMinutes: 60 }), undefined, 60, true, 'due'],
    [
      'Cache-Control max-age until +45',
      state({ cacheUntil: at(45) }),
      undefined,
      30,
      false,
      'Cache-Control or Expires',
    ],
    ['Cache-Control passed', state({ cacheUntil: at(45) }), undefined, 45, true, 'due'],
    ['Retry-After until +120', state({ nextFetch: at(120) }), undefined, 60, false, 'Retry-After'],
    ['gone', state({ gone: true }), undefined, 10_000, false, 'gone (HTTP 410)'],
    ['own hourly schedule, before the hour', state(), '0 * * * *', 30, false, 'its schedule'],
    ['own hourly schedule, at the hour', state(), '0 * * * *', 60, true, 'due'],
    ['skipHours covers 13:00 GMT', state({ skipHours: [13] }), undefined, 60, false, 'skipHours'],
    ['skipDays covers Tuesday', state({ skipDays: ['Tuesday'] }), undefined, 60, false, 'skipDays'],
    [
      'a TTL of two days is capped by maxInterval',
      state({ ttlMinutes: 2880 }),
      undefined,
      1440,
      true,
      'maximum interval reached',
    ],
    [
      '2 errors: 15 min × 4 = 60 min back-off, at 45',
      state({ consecutiveErrors: 2 }),
      undefined,
      45,
      false,
      'back-off after errors',
    ],
    ['2 errors, at 60', state({ consecutiveErrors: 2 }), undefined, 60, true, 'due'],
    [
      '10 errors: back-off capped at a day',
      state({ consecutiveErrors: 10 }),
      undefined,
      1439,
      false,
      'back-off after errors',
    ],
  ])('%s', (_what, s, schedule, minutes, due, reason) => {
    const result = isDue(s, schedule, settings, at(minutes));
    expect(result).toMatchObject({ due, reason });
  });

  it('recovers at the first success: no back-off once the errors are cleared', () => {
    expect(isDue(state({ consecutiveErrors: 3 }), undefined, settings, at(20)).due).toBe(false);
    expect(isDue(state({ consecutiveErrors: 0 }), undefined, settings, at(20)).due).toBe(true);
  });

  it.each([
    ['never checked', undefined],
    ['gone (HTTP 410)', state({ gone: true })],
    ['failing', state({ consecutiveErrors: 2 })],
    ['ok', state()],
  ])("one word for a source's state, the CLI's and the site's: %s", (word, s) => {
    expect(sourceStatus(s)).toBe(word);
    if (word !== 'ok' && word !== 'failing') expect(isDue(s, undefined, settings, at(10_000)).reason).toBe(word);
  });

  it('reads cron intervals', () => {
    expect(cronInterval('*/15 * * * *', T0)).toBe(900);
    expect(cronInterval('0 9 * * 1-5', T0)).toBe(86_400);
    expect(nextRun('0 * * * *', new Date(2030, 0, 1, 12, 10))).toEqual(new Date(2030, 0, 1, 13, 0));
  });
});

forEachStore((kind) => {
  describe('Scheduler and the lease', () => {
    it('skips a tick that finds the previous refresh still running', async () => {
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      const server = await startServer({
        '/f.xml': (_req, res) =>
          void gate.then(() =>
            res.writeHead(200).end('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>'),
          ),
      });
      const config = parseConfig(
        `fetch: {allowPrivateNetworks: true}\nsources:\n  - {name: slow, type: feed, url: "${server.origin}/f.xml"}\n`,
        join(tempDir(), 't.yaml'),
      );
      const store = await freshStore(kind);
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

    it('two refreshes contending for a source: one waits, no row is ingested twice', async () => {
      const dir = tempDir();
      writeTree(dir, {
        'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n',
        'seeds/b.txt': 'Two.\n2024-01-02 00:00:00\n#b\n',
      });
      const config = parseConfig('sources:\n  - {name: s, type: seeds, path: seeds}\n', join(dir, 't.yaml'));
      const db = join(dir, 't.db');
      const daemon = await openStore(db);
      const cli = await openStore(db);
      const soon = () => new Date(Date.now() + 60_000);
      try {
        await daemon.upsertSource({ name: 's', type: 'seeds', location: 'seeds' }, new Date(), 0);
        expect(await daemon.claimSources(me('daemon:1'), [{ name: 's' }], 1, soon(), new Date())).toEqual(['s']);
        // Busy, and no waiting: a clear refusal naming the holder.
        await expect(
          refreshNow({ config, store: cli, work, log: silentLogger, holder: me('cli:2') }, 0),
        ).rejects.toThrow(BusyError);
        await expect(
          refreshNow({ config, store: cli, work, log: silentLogger, holder: me('cli:2') }, 0),
        ).rejects.toThrow(/another refresh is running \(daemon:1, pid \d+\)/);
        // Waiting: the CLI claims the source once the daemon has refreshed it and let go.
        const waiting = refreshNow({ config, store: cli, work, log: silentLogger, holder: me('cli:2') }, 5_000);
        const [a] = await refreshNow({ config, store: daemon, work, log: silentLogger, holder: me('daemon:1') }, 0);
        const [b] = await waiting;
        expect([a!.new, b!.new, b!.unchanged]).toEqual([2, 0, 2]);
        expect(await daemon.count('articles')).toBe(2);
      } finally {
        await daemon.close();
        await cli.close();
      }
    });

    it("a claim whose holder on this host is gone is taken over at once; another host's is waited for", async () => {
      const dir = tempDir();
      writeTree(dir, { 'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n' });
      const config = parseConfig('sources:\n  - {name: s, type: seeds, path: seeds}\n', join(dir, 't.yaml'));
      const store = await freshStore(kind);
      const log = recorder();
      const deps = (name: string) => ({ config, store, work, log, holder: me(name) });
      const hold = (holder: ReturnType<typeof me>) =>
        store.claimSources(holder, [{ name: 's' }], 1, new Date(Date.now() + 60_000), new Date());
      try {
        await store.upsertSource({ name: 's', type: 'seeds', location: 'seeds' }, new Date(), 0);
        // A process that ran here and exited: its pid is free (or another process's, started later).
        const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
          encoding: 'utf8',
        });
        const dead = { ...thisProcess(), name: 'cli:dead', pid: Number(child.stdout) };
        expect(await hold(dead)).toEqual(['s']);
        // No waiting (0): a claim not taken over at once would be a BusyError.
        const [result] = await refreshNow(deps('cli:next'), 0);
        expect(result!.new).toBe(1);
        expect(log.lines).toContain(`s was claimed by cli:dead (pid ${dead.pid}), which is gone: taking it over`);
        // A live pid with another start time: the pid was reused by a process that is not the holder.
        expect(await hold({ ...me('cli:reused'), started: thisProcess().started + 1 })).toEqual(['s']);
        await expect(refreshNow(deps('cli:after'), 0)).resolves.toHaveLength(1);
        // On another host, nothing can be known of the holder: its claim is waited for.
        expect(await hold(elsewhere('daemon:far'))).toEqual(['s']);
        await expect(refreshNow(deps('cli:last'), 0)).rejects.toThrow(
          /another refresh is running \(daemon:far, pid 1\)/,
        );
      } finally {
        await store.close();
      }
    });

    it("a killed process's places for a host are freed with its claims: its sources are fetched at once", async () => {
      const server = await startServer({
        '/feed.xml': (_req, res) =>
          res
            .writeHead(200, { 'content-type': 'application/rss+xml' })
            .end(
              '<rss version="2.0"><channel><title>f</title><item><title>A</title><guid>a</guid></item></channel></rss>',
            ),
      });
      const config = parseConfig(
        `fetch: {allowPrivateNetworks: true, perHost: 2}\nsources:\n  - {name: f, type: feed, url: "${server.origin}/feed.xml"}\n`,
        join(tempDir(), 't.yaml'),
      );
      const store = await freshStore(kind);
      // Each refused try for a place is a tenth of a second's wait: counted, not timed.
      let refused = 0;
      const take = store.takeHostSlot.bind(store);
      store.takeHostSlot = async (...args) => {
        const slot = await take(...args);
        if (slot === undefined) refused += 1;
        return slot;
      };
      try {
        await store.upsertSource({ name: 'f', type: 'feed', location: `${server.origin}/feed.xml` }, new Date(), 0);
        const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
          encoding: 'utf8',
        });
        const dead = { ...thisProcess(), name: 'worker:dead', pid: Number(child.stdout) };
        // It was killed mid-fetch: holding the source and both of the host's places for a minute more.
        const later = new Date(Date.now() + 60_000);
        expect(await store.claimSources(dead, [{ name: 'f' }], 1, later, new Date())).toEqual(['f']);
        const host = new URL(server.origin).host;
        for (const n of [1, 2])
          expect(await store.takeHostSlot(host, 2, `worker:dead#${n}`, later, new Date())).toBe(n - 1);
        const [result] = await refreshNow({ config, store, work, log: silentLogger, holder: me('worker:next') }, 0);
        expect(result).toMatchObject({ ok: true, new: 1 });
        expect(refused).toBe(0);
        // Killed while this refresh waits for a place: found gone within a second or two of waiting.
        expect(await store.claimSources(dead, [{ name: 'f' }], 1, later, new Date())).toEqual(['f']);
        for (const n of [3, 4])
          expect(await store.takeHostSlot(host, 2, `worker:dead#${n}`, later, new Date())).toBeDefined();
        const [again] = await refreshAll({ config, store, work, log: silentLogger, holder: me('worker:next') });
        expect(again).toMatchObject({ ok: true });
        expect(refused).toBeLessThanOrEqual(10); // the dead holder is looked for at the tenth refusal
      } finally {
        await store.close();
        await server.close();
      }
    });

    it('goes on to the next sources when the first it would fetch are claimed by another process', async () => {
      const dir = tempDir();
      writeTree(dir, { 'a/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n', 'b/b.txt': 'Two.\n2024-01-01 00:00:00\n#b\n' });
      // One at a time: the first batch is source a alone, which another worker holds.
      const config = parseConfig(
        'fetch: {concurrency: 1}\nsources:\n  - {name: a, type: seeds, path: a}\n  - {name: b, type: seeds, path: b}\n',
        join(dir, 't.yaml'),
      );
      const store = await freshStore(kind);
      try {
        for (const [i, name] of ['a', 'b'].entries())
          await store.upsertSource({ name, type: 'seeds', location: name }, new Date(), i);
        expect(
          await store.claimSources(elsewhere('w:other'), [{ name: 'a' }], 1, new Date(Date.now() + 60_000), new Date()),
        ).toEqual(['a']);
        const results = await refreshDue(
          { config, store, work, log: silentLogger, holder: me('w:1') },
          new Map([
            ['a', null],
            ['b', null],
          ]),
        );
        expect(results.map((r) => [r.source, r.new])).toEqual([['b', 1]]);
      } finally {
        await store.close();
      }
    });

    it('a source fetched by another worker since it was found due is not fetched again', async () => {
      const dir = tempDir();
      writeTree(dir, { 'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n' });
      const config = parseConfig('sources:\n  - {name: s, type: seeds, path: seeds}\n', join(dir, 't.yaml'));
      const store = await freshStore(kind);
      try {
        await store.upsertSource({ name: 's', type: 'seeds', location: 'seeds' }, new Date(), 0);
        const seen = new Map([['s', null]]); // never checked, as this worker saw it
        await store.recordSuccess('s', new Date(), {}); // ...and then another worker fetched it
        expect(await refreshDue({ config, store, work, log: silentLogger, holder: me('w:1') }, seen)).toEqual([]);
        const now = (await store.fetchState('s'))!.lastCheck!;
        expect(
          await refreshDue({ config, store, work, log: silentLogger, holder: me('w:1') }, new Map([['s', now]])),
        ).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('a lease left by a killed process expires by itself', async () => {
      const store = await freshStore(kind);
      const now = new Date('2030-01-01T00:00:00Z');
      expect(await store.acquireLease('refresh', elsewhere('dead:1'), 60_000, now)).toBe(true);
      expect(await store.acquireLease('refresh', elsewhere('new:2'), 60_000, new Date(now.getTime() + 30_000))).toBe(
        false,
      );
      expect(await store.acquireLease('refresh', elsewhere('new:2'), 60_000, new Date(now.getTime() + 61_000))).toBe(
        true,
      );
      await store.close();
    });
  });
});

describe('schedules to the second', () => {
  it('honours a six-field expression with seconds', () => {
    const t = new Date(2030, 0, 1, 12, 0, 3, 500);
    expect(nextRun('*/5 * * * * *', t)).toEqual(new Date(2030, 0, 1, 12, 0, 5));
    expect(nextRun('*/5 * * * * *', new Date(2030, 0, 1, 12, 0, 55))).toEqual(new Date(2030, 0, 1, 12, 1, 0));
    expect(cronInterval('*/5 * * * * *', T0)).toBe(5);
    expect(nextRun('0 * * * *', new Date(2030, 0, 1, 12, 0, 0))).toEqual(new Date(2030, 0, 1, 13, 0));
  });
});

/**
 * A clock the test drives: the wall time it sets and steps, and timers that run when it says time
 * passed. Each wake-up of the scheduler runs to its end before time moves on (its tick awaited, not
 * slept for); the waits of a tick's spread, set while it runs, end at once.
 */
function drivenClock(start: Date) {
  let wall = start.getTime();
  let mono = 0;
  let ticking = false;
  let scheduler: Scheduler | undefined;
  const timers: { at: number; fn: () => unknown }[] = [];
  const first = () => timers.sort((a, b) => a.at - b.at)[0];
  return {
    now: () => new Date(wall),
    monotonic: () => mono,
    setTimer(fn: () => void, ms: number) {
      if (ticking) return (setImmediate(fn), { cancel: () => undefined });
      const t = { at: mono + ms, fn };
      timers.push(t);
      return { cancel: () => void (timers.includes(t) && timers.splice(timers.indexOf(t), 1)) };
    },
    /** The scheduler whose ticks `pass` waits for. */
    drive(s: Scheduler) {
      scheduler = s;
    },
    /** Time passes (both clocks), and the timers due by then run, one wake-up at a time. */
    async pass(ms: number) {
      const end = mono + ms;
      for (let next = first(); next && next.at <= end; next = first()) {
        timers.splice(timers.indexOf(next), 1);
        wall += next.at - mono;
        mono = next.at;
        const woken = next.fn(); // the wake-up's own next wake-up is armed by now
        ticking = true;
        await woken;
        await scheduler?.idle();
        ticking = false;
      }
      wall += end - mono;
      mono = end;
    },
    /** The wall clock alone moves. */
    step(ms: number) {
      wall += ms;
    },
  };
}

forEachStore((kind) => {
  describe('the scheduler across wall-clock steps', () => {
    async function setup(ttl = '') {
      let hits = 0;
      const server = await startServer({
        '/f.xml': (_req, res) => (
          hits++,
          res.writeHead(200).end(`<rss><channel>${ttl}<item><title>x</title><guid>1</guid></item></channel></rss>`)
        ),
      });
      const dir = tempDir();
      writeTree(dir, { 'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n' });
      const config = parseConfig(
        `schedule: "*/15 * * * *"\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: remote, type: feed, url: "${server.origin}/f.xml"}\n  - {name: s, type: seeds, path: seeds}\n`,
        join(dir, 't.yaml'),
      );
      const store = await freshStore(kind);
      const clock = drivenClock(new Date('2030-01-01T12:00:00Z'));
      const log = recorder();
      const ticks: number[] = [];
      const scheduler = new Scheduler({
        config: () => config,
        store,
        work,
        log,
        clock,
        onRefreshed: (results) => void ticks.push(results.length),
      });
      clock.drive(scheduler);
      await scheduler.tick('startup'); // both sources fetched at 12:00
      expect(hits).toBe(1);
      scheduler.start();
      return {
        scheduler,
        store,
        clock,
        log,
        ticks,
        hits: () => hits,
        close: async () => (await scheduler.stop(), await store.close(), await server.close()),
      };
    }

    it('a step back of a day: the next tick comes within one interval, and the schedule goes on', async () => {
      const t = await setup();
      try {
        t.clock.step(-86_400_000);
        await t.clock.pass(15 * 60_000);
        expect(t.ticks.length).toBeGreaterThanOrEqual(1);
        expect(t.log.lines.some((l) => /stepped back by 86400 s/.test(l))).toBe(true);
        // The remote source was checked a quarter of an hour ago, as far as the schedule is concerned:
        // it is fetched again at its next interval, not a day later.
        const before = t.hits();
        await t.clock.pass(15 * 60_000);
        expect(t.hits()).toBe(before + 1);
      } finally {
        await t.close();
      }
    });

    it('a start after a step back (checks recorded in the future) moves them back to now', async () => {
      const t = await setup();
      try {
        await t.scheduler.stop();
        // Recorded a day ahead: as if the clock had been a day fast when the remote was last fetched.
        await t.store.recordSuccess('remote', new Date(t.clock.now().getTime() + 86_400_000), {});
        await t.scheduler.tick('scheduled');
        const state = (await t.store.fetchState('remote'))!;
        expect(Math.abs(state.lastCheck!.getTime() - t.clock.now().getTime())).toBeLessThan(1000);
        expect(t.log.lines.some((l) => /stepped back by 86400 s/.test(l))).toBe(true);
      } finally {
        await t.close();
      }
    });

    it('a step forward of a day does not refetch what was fetched a moment ago', async () => {
      // The feed asks to be polled hourly: without the shift, a day would seem to have passed.
      const t = await setup('<ttl>60</ttl>');
      try {
        await t.clock.pass(60_000);
        t.clock.step(86_400_000);
        await t.clock.pass(30 * 60_000 - 60_000);
        expect(t.log.lines.some((l) => /stepped forward by 86400 s/.test(l))).toBe(true);
        expect(t.ticks.length).toBeGreaterThanOrEqual(2);
        expect(t.hits()).toBe(1);
        // An hour of real time after the fetch, it is due again (its fetch spread over up to two minutes).
        await t.clock.pass(33 * 60_000);
        expect(t.hits()).toBe(2);
      } finally {
        await t.close();
      }
    });
  });
});

// Issue 20, point 5: a source's schedule "* * * * *" was fetched at :00 and :15 only (the daemon
// ticked on the global schedule), and its page said "next fetch at the next tick" without a time.
describe("a source's own schedule", () => {
  it('is honoured at its own pace, faster than the global schedule and minInterval; the next fetch is a time', async () => {
    const hits = { fast: 0, slow: 0 };
    const server = await startServer({
      '/f.xml': (req, res) => (
        hits[new URL(req.url!, 'http://x').searchParams.get('s') as 'fast']++,
        res.writeHead(200).end('<rss><channel><item><title>x</title><guid>1</guid></item></channel></rss>')
      ),
    });
    const config = parseConfig(
      `schedule: "*/15 * * * *"\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: fast, type: feed, url: "${server.origin}/f.xml?s=fast", schedule: "* * * * *"}\n  - {name: slow, type: feed, url: "${server.origin}/f.xml?s=slow"}\n`,
      join(tempDir(), 't.yaml'),
    );
    const store = await freshStore(STORE_KINDS[0]!);
    const clock = drivenClock(new Date('2030-01-01T12:00:00Z'));
    const scheduler = new Scheduler({ config: () => config, store, work, log: recorder(), clock });
    clock.drive(scheduler);
    try {
      await scheduler.tick('startup');
      scheduler.start();
      await clock.pass(10 * 60_000);
      // At 12:00 and at each minute to 12:10; slow waits for the global 12:15.
      expect(hits.fast).toBe(11);
      expect(hits.slow).toBe(1);
      const settings = {
        schedule: config.schedule,
        minInterval: config.fetch.minInterval,
        maxInterval: config.fetch.maxInterval,
      };
      const fast = nextFetch(await store.fetchState('fast'), '* * * * *', settings, clock.now());
      expect(fast.at!.getTime() - clock.now().getTime()).toBeLessThanOrEqual(60_000);
      const slow = nextFetch(await store.fetchState('slow'), undefined, settings, clock.now());
      expect(slow.at).toEqual(new Date('2030-01-01T12:15:00Z'));
    } finally {
      await scheduler.stop();
      await store.close();
      await server.close();
    }
  });
});
