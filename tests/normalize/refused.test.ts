// An entry that cannot be normalized is refused alone, with its place in the feed: its siblings
// are stored. No real entry is known to fail any more, so sanitizing is made to fail for one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { refreshSource } from '../../src/refresh.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { inThread } from '../../src/work/pool.js';
import { recorder, tempDir } from '../helpers.js';

vi.mock('../../src/normalize/html.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/normalize/html.js')>();
  return {
    ...real,
    cleanHtmlAndText: (html: string, base?: string) => {
      if (html.includes('UNSANITIZABLE')) throw new RangeError('Maximum call stack size exceeded');
      return real.cleanHtmlAndText(html, base);
    },
  };
});

/** An RSS feed of `count` entries, e1…, the one at `bad` (from 1) unsanitizable. */
function feed(count: number, bad: number): string {
  const item = (i: number) =>
    `<item><guid>e${i}</guid><title>e${i}</title><description>&lt;p&gt;${i === bad ? 'UNSANITIZABLE' : `Entry ${i}.`}&lt;/p&gt;</description></item>`;
  return `<rss version="2.0"><channel><title>T</title>${Array.from({ length: count }, (_, i) => item(i + 1)).join('')}</channel></rss>`;
}

describe('an entry that cannot be normalized', () => {
  it('is refused with its place and the reason, and the others are normalized', async () => {
    const { entries, refused } = normalizeFeed(await parseFeed(Buffer.from(feed(3, 2))), { now: new Date() });
    expect(entries.map((e) => e.title)).toEqual(['e1', 'e3']);
    expect(refused).toEqual([{ file: 'entry 2', reason: 'cannot be normalized: Maximum call stack size exceeded' }]);
  });

  // Normalizing runs in batches of 250: the first in the job that parses, the others after it.
  it.each([
    [3, 2],
    [260, 255],
  ])(
    'is reported by the refresh, which stores the others and fails (%i entries, the bad one %i)',
    async (count, bad) => {
      const dir = tempDir();
      writeFileSync(join(dir, 'feed.xml'), feed(count, bad));
      const config = parseConfig('sources:\n  - {name: f, type: file, path: feed.xml}\n', join(dir, 't.yaml'));
      const store = new SqliteStore(join(dir, 't.db'));
      const log = recorder();
      try {
        const result = await refreshSource(config.sources[0]!, { config, store, work: inThread(), log });
        expect(result).toMatchObject({ ok: false, new: count - 1, refused: [{ file: `entry ${bad}` }] });
        expect(log.lines).toContain(`entry ${bad}: refused: cannot be normalized: Maximum call stack size exceeded`);
        const titles = new Set((await store.articles({ limit: 1000 })).map((a) => a.title));
        expect(titles.size).toBe(count - 1);
        expect(titles.has(`e${bad}`)).toBe(false);
      } finally {
        await store.close();
      }
    },
  );
});
