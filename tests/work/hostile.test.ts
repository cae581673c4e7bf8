// A document built to be slow must not block the main thread: parsing runs in a worker thread.
import { afterAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/model.js';
import { WorkerPool } from '../../src/work/pool.js';
import { stage } from '../../src/work/stage-call.js';
import type { Batch } from '../../src/work/stages.js';

/** Parse, then normalize, in one job. */
async function parseAndNormalize(pool: WorkerPool, bytes: Buffer): Promise<{ entries: Entry[] }> {
  const { done } = await pool.run<Batch>([stage('parseNewest', {}), stage('identify', {}), stage('normalize', { now: new Date() }), stage('fingerprint')], { bytes, doc: {} });
  return { entries: done };
}

// rss-parser's own contentSnippet regex takes seconds on 120 KB of "a<p"; ours never runs it.
const evil = (kib: number) =>
  Buffer.from(`<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${'a&lt;p'.repeat((kib * 1024) / 6)}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${'a&lt;p'.repeat((kib * 1024) / 6)}</content:encoded></item></channel></rss>`);

describe('hostile input', () => {
  const pool = new WorkerPool();
  afterAll(() => pool.close());

  it('keeps the event loop free while a 10 MiB document is parsed', async () => {
    let worst = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const t = performance.now();
      worst = Math.max(worst, t - last);
      last = t;
    }, 10);
    const started = performance.now();
    const { entries } = await parseAndNormalize(pool, evil(5 * 1024));
    const took = performance.now() - started;
    clearInterval(tick);
    expect(entries).toHaveLength(1);
    expect(worst).toBeLessThan(1000);
    console.log(`10 MiB hostile document: parsed in ${took.toFixed(0)} ms, longest event-loop pause ${worst.toFixed(0)} ms`);
  });

  it('parses 120 KB of "a<p" in well under a second', async () => {
    const started = performance.now();
    await parseAndNormalize(pool, evil(60));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a parse that runs past its time limit, then parses the next document', async () => {
    const strict = new WorkerPool(500);
    try {
      await expect(parseAndNormalize(strict, evil(20 * 1024))).rejects.toThrow(/longer than 0.5 s/);
      const { entries } = await parseAndNormalize(strict, Buffer.from('<rss><channel><item><title>ok</title></item></channel></rss>'));
      expect(entries[0]!.title).toBe('ok');
    } finally {
      await strict.close();
    }
  });

  it('fails a document whose parse outgrows the heap a worker may use, says so, then parses the next', async () => {
    const small = new WorkerPool(60_000, 1, 64);
    const items = Array.from({ length: 60_000 }, (_, i) => `<item><title>Item ${i}</title><guid>g${i}</guid><description>Words of item ${i}.</description></item>`).join('');
    try {
      await expect(parseAndNormalize(small, Buffer.from(`<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`))).rejects.toThrow(/needs more than the 64 MB a parse may use/);
      const { entries } = await parseAndNormalize(small, Buffer.from('<rss><channel><item><title>ok</title></item></channel></rss>'));
      expect(entries[0]!.title).toBe('ok');
    } finally {
      await small.close();
    }
  });
});
