// An entry whose HTML nests 100,000 elements (in CDATA, or escaped) is stored flattened, quickly,
// and the feed's other entries with it. It took 11 s per field before nesting was capped, past
// the worker's time limit for a feed with a few of them, so that the whole feed failed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { MAX_NESTING } from '../../src/normalize/nesting.js';
import { refreshSource } from '../../src/refresh.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { tempDir } from '../helpers.js';

const work = new WorkerPool();
afterAll(() => work.close());

const DEEP = 100_000;
const deep = (text: string) => `${'<div>'.repeat(DEEP)}${text}${'</div>'.repeat(DEEP)}`;
const escaped = (html: string) => html.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const item = (guid: string, body: string) =>
  `<item><guid>${guid}</guid><title>${guid}</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>${body}</item>`;
const FEED = `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Deep</title><link>https://deep.example/</link>
${item('before', '<description>A sibling before.</description>')}
${item('cdata-description', `<description><![CDATA[${deep('deep in a description')}]]></description>`)}
${item('cdata-content', `<description>Short.</description><content:encoded><![CDATA[${deep('deep in content')}]]></content:encoded>`)}
${item('escaped-description', `<description>${escaped(deep('deep and escaped'))}</description>`)}
${item('after', '<description>A sibling after.</description>')}
</channel></rss>`;

function depthOf(html: string): number {
  let depth = 0;
  let max = 0;
  new Parser({ onopentag: () => (max = Math.max(max, (depth += 1))), onclosetag: () => void (depth -= 1) }).end(html);
  return max;
}

describe('an entry nested 100,000 deep', () => {
  it('is stored flattened to 512 levels, its text kept, beside its siblings', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'feed.xml'), FEED);
    const config = parseConfig('sources:\n  - {name: deep, type: file, path: feed.xml}\n', join(dir, 't.yaml'));
    const store = new SqliteStore(join(dir, 't.db'));
    try {
      const result = await refreshSource(config.sources[0]!, { config, store, work, log: silentLogger });
      expect(result).toMatchObject({ ok: true, new: 5, refused: [] });

      const byTitle = new Map((await store.articles()).map((a) => [a.title, a]));
      expect([...byTitle.keys()].sort()).toEqual([
        'after',
        'before',
        'cdata-content',
        'cdata-description',
        'escaped-description',
      ]);
      for (const [title, text] of [
        ['cdata-description', 'deep in a description'],
        ['cdata-content', 'deep in content'],
        ['escaped-description', 'deep and escaped'],
      ]) {
        const { content } = byTitle.get(title!)!;
        expect(content).toContain(text);
        expect(depthOf(content)).toBe(MAX_NESTING);
        expect(content.length).toBeLessThan(MAX_NESTING * 12 + 100);
      }
      expect(byTitle.get('after')!.content).toBe('A sibling after.');
    } finally {
      await store.close();
    }
  });
});
