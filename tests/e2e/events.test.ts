// Events end to end through `tidings refresh`: three outlets' feeds, each with its own report of
// the same events (BASIL), the events moved onto the same day. `tidings articles --json` gives
// each article's event, `--events` lists them with their reports, `explain` gives the evidence.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { eventOfTitle, writeEventFeeds } from '../helpers-events.js';

interface Listed {
  id: string;
  title: string;
  source: string;
  event?: string;
}

describe('events through refresh and the CLI', () => {
  const dir = tempDir();
  const args = ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')];
  let listed: Listed[] = [];
  const byEvent = (i: number) => listed.filter((a) => eventOfTitle(a.title) === i);

  beforeAll(async () => {
    // One story a page, so that an event's three reports take three pages.
    writeTree(dir, { 'tidings.yaml': `site: {itemsPerPage: 1}\nsources:\n${writeEventFeeds(dir, [5, 7, 10])}` });
    expect((await runCli(['refresh', ...args])).code).toBe(0);
    const out = (await runCli(['articles', '--json', ...args])).out.trim().split('\n');
    listed = out.map((l) => JSON.parse(l));
  }, 60_000);

  it('tidings articles --json gives each article its event: one per labeled event', () => {
    expect(listed).toHaveLength(9);
    for (const i of [5, 7, 10]) {
      const events = new Set(byEvent(i).map((a) => a.event));
      expect(events.size, `event ${i}: ${JSON.stringify(byEvent(i))}`).toBe(1);
      expect([...events][0]).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(listed.map((a) => a.event)).size).toBe(3);
  });

  it('tidings articles --events lists each event with its reports', async () => {
    const run = await runCli(['articles', '--events', ...args]);
    expect(run.out.match(/^event \w+ \(3 reports/gm)).toHaveLength(3);
    const json = (await runCli(['articles', '--events', '--json', ...args])).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.map((e) => e.members.length)).toEqual([3, 3, 3]);
  });

  it('tidings explain gives the evidence: shared names and terms, similarity, time gap', async () => {
    const joined = byEvent(5).find((a) => a.event !== a.id)!;
    const out = (await runCli(['explain', joined.id, ...args])).out;
    expect(out).toMatch(
      new RegExp(
        `joined event ${joined.event}: similarity 0\\.\\d{3}, \\d+\\.\\d hours from its nearest report, shared: names .*naacp`,
        'i',
      ),
    );
    expect(out).toMatch(/event \w+: 3 reports/);
    const first = byEvent(5).find((a) => a.event === a.id)!;
    expect((await runCli(['explain', first.id, ...args])).out).toMatch(/started event \w+; 2 other reports joined it/);
  });

  it('tidings explain says what kept a lone report apart from its nearest events', async () => {
    const lone = tempDir();
    // Events 7 and 10 as before, and of event 5 only the Times' report: alone on the same day.
    writeTree(lone, {
      'tidings.yaml': `sources:\n${writeEventFeeds(lone, [5, 7, 10], (r) => r.source === 'nyt' || eventOfTitle(r.title) !== 5)}`,
    });
    const largs = ['--config', join(lone, 'tidings.yaml'), '--db', join(lone, 't.db')];
    await runCli(['refresh', ...largs]);
    const mine = (await runCli(['articles', '--json', ...largs])).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Listed);
    const alone = mine.find((a) => eventOfTitle(a.title) === 5)!;
    expect(alone.event).toBe(alone.id);
    const out = (await runCli(['explain', alone.id, ...largs])).out;
    expect(out).toContain(`event ${alone.id}: reported by this article alone; events: TF-IDF cosine`);
    const nearest = out
      .split('\n')
      .filter((l) =>
        /^ {2}event \w+ \(3 reports\): similarity 0\.\d{3}, \d+\.\d hours apart, shared: .*; kept apart: /.test(l),
      );
    expect(nearest.length, out).toBeGreaterThan(0);
  });

  it('tidings build writes every page of each event, as its pages link them', async () => {
    const out = join(dir, 'site');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
    for (const event of new Set(listed.map((a) => a.event!))) {
      expect(
        ['', '/page/2', '/page/3'].map((page) => existsSync(join(out, `events/${event}${page}.html`))),
        event,
      ).toEqual([true, true, true]);
    }
  });
});
