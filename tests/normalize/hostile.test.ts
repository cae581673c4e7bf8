// A document built to be slow must not block the main thread: parsing runs in a worker thread.
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/normalize/worker-pool.js';

// rss-parser's own contentSnippet regex takes seconds on 120 KB of "a<p"; ours never runs it.
const evil = (kib: number) =>
  Buffer.from(`<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${'a&lt;p'.repeat((kib * 1024) / 6)}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${'a&lt;p'.repeat((kib * 1024) / 6)}</content:encoded></item></channel></rss>`);

describe('hostile input', () => {
  const pool = new ParsePool();
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
    const { entries } = await pool.parse(evil(5 * 1024), {}, { now: new Date() });
    const took = performance.now() - started;
    clearInterval(tick);
    expect(entries).toHaveLength(1);
    expect(worst).toBeLessThan(1000);
    console.log(`10 MiB hostile document: parsed in ${took.toFixed(0)} ms, longest event-loop pause ${worst.toFixed(0)} ms`);
  });

  it('parses 120 KB of "a<p" in well under a second', async () => {
    const started = performance.now();
    await pool.parse(evil(60), {}, { now: new Date() });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a parse that runs past its time limit, then parses the next document', async () => {
    const strict = new ParsePool(500);
    try {
      await expect(strict.parse(evil(20 * 1024), {}, { now: new Date() })).rejects.toThrow(/longer than 0.5 s/);
      const { entries } = await strict.parse(Buffer.from('<rss><channel><item><title>ok</title></item></channel></rss>'), {}, { now: new Date() });
      expect(entries[0]!.title).toBe('ok');
    } finally {
      await strict.close();
    }
  });
});
