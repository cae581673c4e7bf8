// Errors on the claim path are said, one line each naming the source or the holder, and stay safe:
// a claim that fails is no claim (the source is left for the next tick); a claim not let go or not
// renewed runs out by itself.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { thisProcess } from '../../src/lib/process.js';
import { refreshDue } from '../../src/refresh-all.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { recorder, tempDir, writeTree } from '../helpers.js';

const work = new WorkerPool();
afterAll(() => work.close());
afterEach(() => void vi.useRealTimers());

/** A store of one seeds source, `s`, with some of its methods replaced. */
async function setUp(replace: (store: Store) => Partial<Store>) {
  const dir = tempDir();
  writeTree(dir, { 'seeds/a.txt': 'One.\n2024-01-01 00:00:00\n#a\n' });
  const config = parseConfig('sources:\n  - {name: s, type: seeds, path: seeds}\n', join(dir, 't.yaml'));
  const store = await openStore(join(dir, 't.db'));
  const failing: Store = Object.assign(Object.create(store) as Store, replace(store));
  const log = recorder();
  return { deps: { config, store: failing, work, log, holder: { name: 'w:1', ...thisProcess() } }, store, log };
}

describe('the claim path', () => {
  it('a claim that fails is logged, and its source is not refreshed', async () => {
    const { deps, store, log } = await setUp(() => ({
      claimSources: () => Promise.reject(new Error('database is locked')),
    }));
    try {
      expect(await refreshDue(deps, new Map([['s', null]]))).toEqual([]);
      expect(log.lines).toEqual(['cannot claim s (w:1), left for the next tick: database is locked']);
      expect(await store.count('articles')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('a claim not let go is logged, and the refresh stands', async () => {
    const { deps, store, log } = await setUp(() => ({
      releaseClaim: () => Promise.reject(new Error('connection reset')),
    }));
    try {
      const [result] = await refreshDue(deps, new Map([['s', null]]));
      expect(result).toMatchObject({ source: 's', ok: true, new: 1 });
      expect(log.lines).toEqual(['s: cannot let go of its claim (w:1): connection reset']);
    } finally {
      await store.close();
    }
  });

  it('claims not renewed are logged', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { deps, store, log } = await setUp((real) => ({
      renewClaims: () => Promise.reject(new Error('disk full')),
      // While the source is still held: a third of the claim's life passes, and the renewal fails.
      releaseClaim: async (source, holder) => {
        vi.advanceTimersByTime(40_000);
        await new Promise((ok) => setImmediate(ok));
        return real.releaseClaim(source, holder);
      },
    }));
    try {
      await refreshDue(deps, new Map([['s', null]]));
      expect(log.lines).toEqual(['cannot renew the claims of w:1: disk full']);
    } finally {
      await store.close();
    }
  });
});
