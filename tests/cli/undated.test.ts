// Issue 20, point 2: the Japan Times' 118 undated items (the channel itself dated 2017-01-07) took
// the fetch time and filled 50 of 50 items of /all.rss and river pages 1-6 as "today", silently.
// Undated entries now take the feed's own date, a second apart down the document, are counted in
// `refresh` and warned of once.
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import type { RawFeed } from '../../src/parse/types.js';

const item = (n: number, date = '') =>
  `<item><title>Story ${n}</title><link>https://example.org/${n}</link>${date}<description>Text of story ${n}.</description></item>`;
const FEED = (channelDate: string) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Undated desk</title><link>https://example.org/</link><description>d</description>${channelDate}
${item(1)}${item(2)}${item(3, '<pubDate>Sat, 07 Jan 2017 09:00:00 GMT</pubDate>')}${item(4)}
</channel></rss>`;

let dir: string;
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
const published = async () =>
  Object.fromEntries(
    (await cli('articles', '--json', '--limit', '50')).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((a) => [a.title, a.published]),
  );

beforeEach(() => {
  dir = tempDir();
  writeTree(dir, { 'tidings.yaml': 'sources:\n  - name: desk\n    type: file\n    path: desk.xml\n' });
});

it('undated items take the channel date (lastBuildDate), keep the feed order, and are counted and warned of once', async () => {
  writeTree(dir, { 'desk.xml': FEED('<lastBuildDate>Sat, 07 Jan 2017 12:00:00 GMT</lastBuildDate>') });
  const run = await cli('refresh');
  expect(run.out).toContain('desk: 4 new, 0 updated, 0 unchanged (3 undated, dated by the feed)');
  expect(run.err.match(/no date/g)).toHaveLength(1);
  expect(run.err).toContain(
    "desk: 3 entries have no date: dated by the feed's own date (2017-01-07T12:00:00.000Z), a second apart in the feed's order",
  );
  expect(await published()).toEqual({
    'Story 1': '2017-01-07T12:00:00.000Z',
    'Story 2': '2017-01-07T11:59:59.000Z',
    'Story 3': '2017-01-07T09:00:00.000Z',
    'Story 4': '2017-01-07T11:59:57.000Z',
  });
  // Fetched again unchanged: the same dates, nothing new to warn of.
  writeTree(dir, { 'desk.xml': `${FEED('<lastBuildDate>Sun, 08 Jan 2017 12:00:00 GMT</lastBuildDate>')}\n` });
  const again = await cli('refresh');
  expect(again.err).not.toContain('no date');
  expect((await published())['Story 1']).toBe('2017-01-07T12:00:00.000Z');
  // Read again in full (refresh --force, or an upgrade) under the new feed date: the date each was
  // given when first stored is kept, and that is no edit.
  const forced = await cli('refresh', '--force');
  expect(forced.out).toContain('desk: 0 new, 0 updated, 4 unchanged');
  expect((await published())['Story 2']).toBe('2017-01-07T11:59:59.000Z');
});

it('without a feed date, undated items take the time first seen, a second apart in the feed order', () => {
  const entry = (n: number) => ({
    title: { type: 'text' as const, value: `Story ${n}` },
    link: `https://example.org/${n}`,
    tags: [],
    enclosures: [],
  });
  const feed: RawFeed = {
    format: 'atom',
    version: '1.0',
    skipHours: [],
    skipDays: [],
    entries: [entry(1), entry(2)],
    warnings: [],
    refused: [],
  };
  const now = new Date('2026-12-06T14:44:00Z');
  const { entries } = normalizeFeed(feed, { now });
  expect(entries.map((e) => [e.title, e.published.toISOString(), e.undated])).toEqual([
    ['Story 1', '2026-12-06T14:44:00.000Z', true],
    ['Story 2', '2026-12-06T14:43:59.000Z', true],
  ]);
  const dated = normalizeFeed({ ...feed, updated: new Date('2017-01-07T12:00:00Z') }, { now });
  expect(dated.entries.map((e) => e.published.toISOString())).toEqual([
    '2017-01-07T12:00:00.000Z',
    '2017-01-07T11:59:59.000Z',
  ]);
});
