// The daemon's parts, each on its own: presence (the lease), following changes, watching the
// configuration, after-refresh work. Their repeating steps are run by hand (an injected `repeat`),
// their clocks injected: nothing here waits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { AfterRefresh } from '../../src/daemon/after-refresh.js';
import { ChangeFollower, showsStatus } from '../../src/daemon/follow-changes.js';
import { DAEMON_LEASE, Presence, PRESENCE_TTL } from '../../src/daemon/presence.js';
import type { Repeat } from '../../src/daemon/repeat.js';
import { LiveConfig } from '../../src/daemon/watch-config.js';
import { thisProcess } from '../../src/lib/process.js';
import type { Changes, RefreshResult } from '../../src/model.js';
import { Metrics } from '../../src/serve/metrics.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { recorder, tempDir } from '../helpers.js';

/** A `repeat` that runs nothing by itself: the test calls the steps it was handed. */
function byHand() {
  const steps: { step: () => void; ms: number; stopped: boolean }[] = [];
  const repeat: Repeat = (step, ms) => {
    const entry = { step, ms, stopped: false };
    steps.push(entry);
    return () => void (entry.stopped = true);
  };
  return { repeat, steps };
}

const T0 = new Date('2030-01-01T12:00:00Z');
const stores: Store[] = [];
const sqlite = async () => {
  const store = await openStore(join(tempDir(), 't.db'));
  stores.push(store);
  return store;
};
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

describe('Presence', () => {
  it('holds the daemon lease from start, renews it every third of its life, and lets go at stop', async () => {
    const store = await sqlite();
    const { repeat, steps } = byHand();
    const holder = { name: 'daemon:1', ...thisProcess() };
    const presence = new Presence({ store, log: recorder(), holder, now: () => T0, repeat });
    await presence.start();
    expect(await store.leaseHolder(DAEMON_LEASE, T0)).toMatchObject({
      name: 'daemon:1',
      expires: new Date(T0.getTime() + PRESENCE_TTL),
    });
    expect(steps.map((s) => s.ms)).toEqual([PRESENCE_TTL / 3]);
    await presence.stop();
    expect(steps[0]!.stopped).toBe(true);
    expect(await store.leaseHolder(DAEMON_LEASE, T0)).toBeUndefined();
  });

  it('says when another daemon holds the lease, and logs a store that fails, once per try', async () => {
    const store = await sqlite();
    await store.acquireLease(DAEMON_LEASE, { name: 'daemon:2', ...thisProcess() }, PRESENCE_TTL, T0);
    const log = recorder();
    const presence = new Presence({ store, log, holder: { name: 'daemon:1', ...thisProcess() }, now: () => T0 });
    expect(await presence.renew()).toBe(false);
    expect(log.lines).toEqual([]);
    const failing = {
      ...store,
      acquireLease: () => Promise.reject(new Error('database is locked')),
      releaseLease: store.releaseLease.bind(store),
    };
    const broken = new Presence({ store: failing, log, holder: { name: 'daemon:1', ...thisProcess() }, now: () => T0 });
    expect(await broken.renew()).toBe(false);
    expect(log.lines).toEqual(['cannot hold the daemon lease as daemon:1: database is locked']);
  });
});

describe('ChangeFollower', () => {
  function scripted(first: Changes) {
    let now: Changes | Error = first;
    const store = { changes: async () => (now instanceof Error ? Promise.reject(now) : now) };
    return { store, set: (next: Changes | Error) => (now = next) };
  }

  it('drops every rendered file when the sequence moves, only the status pages when fetches were recorded', async () => {
    const { store, set } = scripted({ seq: 1, checked: 1 });
    const dropped: (((path: string) => boolean) | undefined)[] = [];
    const { repeat, steps } = byHand();
    const follower = new ChangeFollower({
      store,
      cache: { invalidate: (which) => void dropped.push(which) },
      log: recorder(),
      repeat,
    });
    await follower.start();
    await follower.look();
    expect(dropped).toEqual([]);
    set({ seq: 2, checked: 1 });
    steps[0]!.step();
    await follower.look();
    expect(dropped).toEqual([undefined]);
    set({ seq: 2, checked: 2 });
    await follower.look();
    expect(dropped).toEqual([undefined, showsStatus]);
    expect([showsStatus('sources.html'), showsStatus('sources/a.html'), showsStatus('index.html')]).toEqual([
      true,
      true,
      false,
    ]);
    follower.stop();
    set({ seq: 3, checked: 3 });
    await follower.look();
    expect(dropped).toHaveLength(2);
    expect(steps[0]!.stopped).toBe(true);
  });

  it('looks every 250 ms, or every 2 s on a store that also says when it moves', async () => {
    const notified: (() => void)[] = [];
    const plain = byHand();
    await new ChangeFollower({
      store: scripted({ seq: 1, checked: 1 }).store,
      cache: { invalidate: () => {} },
      log: recorder(),
      repeat: plain.repeat,
    }).start();
    const listening = byHand();
    const store = {
      ...scripted({ seq: 1, checked: 1 }).store,
      watchChanges: async (listener: () => void) => void notified.push(listener),
    };
    await new ChangeFollower({
      store,
      cache: { invalidate: () => {} },
      log: recorder(),
      repeat: listening.repeat,
    }).start();
    expect([plain.steps[0]!.ms, listening.steps[0]!.ms, notified.length]).toEqual([250, 2000, 1]);
  });

  it('logs a change sequence it cannot read, and goes on', async () => {
    const { store, set } = scripted({ seq: 1, checked: 1 });
    const log = recorder();
    const follower = new ChangeFollower({ store, cache: { invalidate: () => {} }, log, repeat: byHand().repeat });
    await follower.start();
    set(new Error('connection reset'));
    await follower.look();
    expect(log.lines).toEqual(['cannot read the change sequence: connection reset']);
  });
});

describe('LiveConfig', () => {
  function configFile(sources: string[]) {
    const path = join(tempDir(), 'tidings.yaml');
    const write = (names: string[]) =>
      writeFileSync(
        path,
        `sources:\n${names.map((n) => `  - {name: ${n}, type: feed, url: "https://example.org/${n}.xml"}\n`).join('')}`,
      );
    write(sources);
    return { path, write };
  }

  function watched(path: string, mtime: { now: number | undefined }) {
    const log = recorder();
    const { repeat, steps } = byHand();
    let hangup: (() => void) | undefined;
    const applied: string[][] = [];
    const then: [string[], string[]][] = [];
    let reloaded: () => void = () => {};
    const nextReload = () => new Promise<void>((ok) => (reloaded = ok));
    const names = (c: Config) => c.sources.map((s) => s.name);
    const live = new LiveConfig({
      path,
      log,
      repeat,
      mtimeOf: async () => mtime.now,
      onHangup: (l) => ((hangup = l), () => (hangup = undefined)),
    });
    const on = {
      apply: async (next: Config) => void applied.push(names(next)),
      afterReload: async (next: Config, previous: Config) =>
        void (then.push([names(next), names(previous)]), reloaded()),
    };
    return { live, log, steps, applied, then, on, nextReload, hangup: () => hangup?.() };
  }

  it('reloads when the file changes, once per change, and applies the new configuration', async () => {
    const file = configFile(['a']);
    const mtime = { now: 1 as number | undefined };
    const w = watched(file.path, mtime);
    expect(w.live.current.sources.map((s) => s.name)).toEqual(['a']);
    await w.live.watch(w.on);
    await w.live.look();
    expect(w.applied).toEqual([]);
    file.write(['a', 'b']);
    mtime.now = 2;
    await w.live.look();
    await w.live.look();
    mtime.now = undefined; // a file being replaced, for a moment not there
    await w.live.look();
    expect(w.applied).toEqual([['a', 'b']]);
    expect(w.then).toEqual([[['a', 'b'], ['a']]]);
    expect(w.live.current.sources.map((s) => s.name)).toEqual(['a', 'b']);
    expect(w.log.lines).toEqual(['configuration reloaded (the file changed): 2 sources']);
    expect(w.steps.map((s) => s.ms)).toEqual([250]);
  });

  it('keeps the running configuration when the new file does not load, and says why', async () => {
    const file = configFile(['a']);
    const mtime = { now: 1 };
    const w = watched(file.path, mtime);
    await w.live.watch(w.on);
    writeFileSync(file.path, 'sources: [{name: a}');
    mtime.now = 2;
    await w.live.look();
    expect(w.applied).toEqual([]);
    expect(w.live.current.sources.map((s) => s.name)).toEqual(['a']);
    expect(w.log.lines).toHaveLength(1);
    expect(w.log.lines[0]).toMatch(/^configuration not reloaded, the old one keeps running: .*tidings\.yaml/);
  });

  it('reloads on SIGHUP, and stops listening at stop', async () => {
    const file = configFile(['a']);
    const w = watched(file.path, { now: 1 });
    await w.live.watch(w.on);
    file.write(['c']);
    const reloaded = w.nextReload();
    w.hangup();
    await reloaded;
    expect(w.applied).toEqual([['c']]);
    expect(w.log.lines).toEqual(['configuration reloaded (SIGHUP): 1 source']);
    w.live.stop();
    expect(w.steps[0]!.stopped).toBe(true);
    w.hangup();
    expect(w.applied).toEqual([['c']]);
  });
});

describe('AfterRefresh', () => {
  const result = (over: Partial<RefreshResult>): RefreshResult => ({
    source: 'a',
    ok: true,
    new: 0,
    updated: 0,
    unchanged: 0,
    refused: [],
    warnings: [],
    ...over,
  });

  it('records the last refresh for the health page, and pings the hubs with the feeds that changed', async () => {
    const store = await sqlite();
    const pings: string[][] = [];
    const config = { site: { baseUrl: undefined }, websub: { hubs: ['https://hub.example/'] } } as unknown as Config;
    const after = new AfterRefresh({
      store,
      metrics: new Metrics(),
      log: recorder(),
      config: () => config,
      listening: () => 'http://127.0.0.1:8080',
      ping: async (_hubs, urls) => void pings.push(urls),
    });
    await after.refreshed([result({}), result({ source: 'b', ok: false, error: 'x' })], 1, T0);
    expect(after.last).toMatchObject({ ok: false, sources: 2, failed: 1 });
    expect(pings).toEqual([]);
    await after.refreshed([result({ new: 1 })], 1, T0);
    expect(pings).toEqual([
      ['http://127.0.0.1:8080/all.rss', 'http://127.0.0.1:8080/all.atom', 'http://127.0.0.1:8080/all.json'],
    ]);
  });
});
