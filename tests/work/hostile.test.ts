// A document built to be slow must not block the main thread: parsing runs in a worker thread.
import { afterAll, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/model.js';
import { WorkerPool } from '../../src/work/pool.js';
import { stage } from '../../src/work/stage-call.js';
import type { Batch } from '../../src/work/stages.js';

/** Parse, then normalize, in one job. */
async function parseAndNormalize(pool: WorkerPool, bytes: Buffer): Promise<{ entries: Entry[] }> {
  const { done } = await pool.run<Batch>(
    [stage('parseNewest', {}), stage('identify', {}), stage('normalize', { now: new Date() }), stage('fingerprint')],
    { bytes, doc: {} },
  );
  return { entries: done };
}

// rss-parser's own contentSnippet regex takes seconds on 120 KB of "a<p"; ours never runs it.
const evil = (kib: number) =>
  Buffer.from(
    `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${'a&lt;p'.repeat((kib * 1024) / 6)}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${'a&lt;p'.repeat((kib * 1024) / 6)}</content:encoded></item></channel></rss>`,
  );

describe('hostile input', () => {
  const pool = new WorkerPool();
  afterAll(() => pool.close());

  // How long the parse takes, and the event loop's longest pause meanwhile: npm run bench (hostile, 5).
  it('keeps the event loop free while a 10 MiB document is parsed', async () => {
    const parsed = parseAndNormalize(pool, evil(5 * 1024));
    // A hundred turns of the event loop: done at once beside a parse of seconds, unless the parse
    // holds this thread (then the parse ends first).
    const turns = (async () => {
      for (let i = 0; i < 100; i += 1) await new Promise((ok) => setImmediate(ok));
      return 'the event loop';
    })();
    expect(await Promise.race([turns, parsed.then(() => 'the parse')])).toBe('the event loop');
    expect((await parsed).entries).toHaveLength(1);
  });

  it('stops a parse that runs past its time limit, then parses the next document', async () => {
    const strict = new WorkerPool(500);
    try {
      await expect(parseAndNormalize(strict, evil(20 * 1024))).rejects.toThrow(/longer than 0.5 s/);
      const { entries } = await parseAndNormalize(
        strict,
        Buffer.from('<rss><channel><item><title>ok</title></item></channel></rss>'),
      );
      expect(entries[0]!.title).toBe('ok');
    } finally {
      await strict.close();
    }
  });

  it('refuses a job once closed, rather than start a worker for it (a refresh unwinding at shutdown)', async () => {
    const closed = new WorkerPool();
    await closed.close();
    await expect(parseAndNormalize(closed, evil(1))).rejects.toThrow('stopped (shutting down)');
  });

  it('fails a document whose parse outgrows the heap a worker may use, says so, then parses the next', async () => {
    const small = new WorkerPool(60_000, 1, 64);
    const items = Array.from(
      { length: 60_000 },
      (_, i) => `<item><title>Item ${i}</title><guid>g${i}</guid><description>Words of item ${i}.</description></item>`,
    ).join('');
    try {
      await expect(
        parseAndNormalize(small, Buffer.from(`<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`)),
      ).rejects.toThrow(/needs more than the 64 MB a parse may use/);
      const { entries } = await parseAndNormalize(
        small,
        Buffer.from('<rss><channel><item><title>ok</title></item></channel></rss>'),
      );
      expect(entries[0]!.title).toBe('ok');
    } finally {
      await small.close();
    }
  });
});
