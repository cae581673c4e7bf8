// The pool is sized to the work: a worker starts only when every running one is busy, and a worker
// left idle is stopped (its heap returned) after the idle time, which an injected timer stands for.
import { afterEach, describe, expect, it } from 'vitest';
import { type IdleTimer, WorkerPool } from '../../src/work/pool.js';
import { stage } from '../../src/work/stage-call.js';

const feed = (title: string) =>
  Buffer.from(`<rss version="2.0"><channel><title>t</title><item><title>${title}</title></item></channel></rss>`);
/** The title of the one entry parsed. */
const parse = async (pool: WorkerPool, title: string) =>
  (await pool.run<{ entries: { title?: { value: string } }[] }>([stage('parseFeed')], { bytes: feed(title), doc: {} }))
    .entries[0]!.title!.value;

/** Idle timers that fire only when the test says so. */
function manualTimers() {
  const timers: { release: () => void; ms: number; cancelled: boolean }[] = [];
  const after: IdleTimer = (release, ms) => {
    const timer = { release, ms, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const live = () => timers.filter((t) => !t.cancelled);
  return { timers, after, live };
}

const pools: WorkerPool[] = [];
const newPool = (after: IdleTimer, size = 4) => {
  const pool = new WorkerPool(30_000, size, 256, 5_000, after);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerPool sizing', () => {
  it('runs jobs that come one at a time on one worker', async () => {
    const pool = newPool(manualTimers().after);
    for (const title of ['a', 'b', 'c']) expect(await parse(pool, title)).toBe(title);
    expect(pool.running).toBe(1);
  });

  it('starts another worker only while every running one is busy, up to its size', async () => {
    const pool = newPool(manualTimers().after, 2);
    const titles = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(titles.map((t) => parse(pool, t)));
    expect(results).toEqual(titles);
    expect(pool.running).toBe(2);
  });
});

describe('WorkerPool idle release', () => {
  it('stops a worker once it has been idle for the idle time, and starts a fresh one for the next job', async () => {
    const { after, live } = manualTimers();
    const pool = newPool(after);
    await parse(pool, 'a');
    expect(pool.running).toBe(1);
    expect(live().map((t) => t.ms)).toEqual([5_000]);
    live()[0]!.release();
    expect(pool.running).toBe(0);
    expect(await parse(pool, 'b')).toBe('b');
    expect(pool.running).toBe(1);
  });

  it('keeps a worker that gets a job before its idle time is up', async () => {
    const { timers, after } = manualTimers();
    const pool = newPool(after);
    await parse(pool, 'a');
    const first = timers[0]!;
    const next = parse(pool, 'b');
    expect(first.cancelled).toBe(true);
    first.release(); // a timer that fires all the same stops nothing while the worker is busy
    expect(await next).toBe('b');
    expect(pool.running).toBe(1);
  });

  it('arms no idle timer while a worker still has jobs', async () => {
    const { after, live } = manualTimers();
    const pool = newPool(after, 1);
    const jobs = [parse(pool, 'a'), parse(pool, 'b')];
    await jobs[0];
    expect(live()).toHaveLength(0);
    await jobs[1];
    expect(live()).toHaveLength(1);
  });
});
