// Events on labeled real news: BASIL (launchnlp/BASIL, EMNLP 2019), 100 events each reported by
// the New York Times, Fox News and the Huffington Post in their own words, 2010–2019. Scored as
// pairwise precision, recall and F1 over every pair of articles, through the same assignment the
// ingest runs (dedupe/events.ts over an in-memory EventIndex), on the real dates and on dates
// pressed together (ten events a day in their real order: the events of neighbouring days, often
// on the same people and topics, are same-time distractors). The threshold curve is printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventSettings } from '../../src/config/schema.js';
import { eventTermsOf } from '../../src/dedupe/event-terms.js';
import { assignEvents } from '../../src/dedupe/events.js';
import type { Entry, EventCandidate, EventIndex, EventMembership } from '../../src/model.js';
import { FIXTURES } from '../helpers.js';
import { HAS_REAL_NEWS, loadRealNews } from './real-news.js';

interface Labeled {
  event: string;
  source: string;
  title: string;
  date: string;
  text: string;
}

const DAY = 86_400_000;
/** Pressed together: this many of the events start each day, so that each meets some fifty others in its window. */
const EVENTS_A_DAY = 10;
const labeled: Labeled[] = JSON.parse(readFileSync(join(FIXTURES, 'events', 'basil.json'), 'utf8'));
const DEFAULTS: EventSettings = { enabled: true, windowDays: 2, threshold: 0.25 };

/** An EventIndex in memory, as the stores keep it. */
function memoryIndex(): EventIndex & { members: Map<string, string> } {
  const events = new Map<string, EventCandidate>();
  const members = new Map<string, string>();
  return {
    members,
    articleIds: async (source, identities) => identities.map((i) => `${source}/${i}`),
    eventsNamed: async (names, since, limit) =>
      [...events.values()]
        .filter((e) => e.last >= since && e.names!.filter((n) => names.includes(n)).length >= 2)
        .sort((a, b) => b.last.getTime() - a.last.getTime())
        .slice(0, limit)
        .map((e) => structuredClone(e)),
    eventsOf: async (ids) =>
      new Map(ids.flatMap((id) => (members.has(id) ? [[id, members.get(id)!] as [string, string]] : []))),
    saveEvents: async (found: readonly EventCandidate[], joined: readonly EventMembership[]) => {
      for (const e of found) events.set(e.id, structuredClone(e));
      for (const m of joined) members.set(m.article, m.event);
    },
  };
}

type Dated = Entry & { gold: string; source: string };

/**
 * The labeled articles as entries, published on their own dates or pressed together: the events in
 * their real order, EVENTS_A_DAY a day, each report keeping its distance from its event's first.
 */
async function entriesOf(pressed: boolean): Promise<Dated[]> {
  const firstDay = new Map<string, number>();
  for (const a of labeled) firstDay.set(a.event, Math.min(firstDay.get(a.event) ?? Infinity, Date.parse(a.date)));
  const order = [...firstDay].sort((a, b) => a[1] - b[1]).map(([event]) => event);
  const entries = labeled.map((a, i): Dated => {
    const own = Date.parse(a.date);
    const day = pressed
      ? Date.UTC(2024, 0, 1) + Math.floor(order.indexOf(a.event) / EVENTS_A_DAY) * DAY + (own - firstDay.get(a.event)!)
      : own;
    const published = new Date(day + 12 * 3_600_000 + (i % 7) * 600_000);
    return {
      identity: String(i),
      title: a.title,
      published,
      summary: '',
      content: '',
      tags: [],
      enclosures: [],
      text: a.text,
      contentHash: '',
      gold: a.event,
      source: a.source.toLowerCase(),
    };
  });
  await eventTermsOf(entries);
  return entries.sort((a, b) => a.published.getTime() - b.published.getTime());
}

/** Every article through the assignment, one at a time as they would arrive; pairwise scores against the labels. */
async function score(entries: Dated[], settings: EventSettings) {
  const index = memoryIndex();
  for (const e of entries)
    await assignEvents(
      { source: e.source, fresh: [e], edited: [], unchanged: 0, keptOut: 0 },
      { fresh: [{ keys: [] }], edited: [] },
      index,
      settings,
    );
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < entries.length; i += 1) {
    for (let j = i + 1; j < entries.length; j += 1) {
      const [a, b] = [entries[i]!, entries[j]!];
      const same = index.members.get(`${a.source}/${a.identity}`) === index.members.get(`${b.source}/${b.identity}`);
      if (same && a.gold === b.gold) tp += 1;
      else if (same) fp += 1;
      else if (a.gold === b.gold) fn += 1;
    }
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}

const fixed = (n: number) => n.toFixed(3);

describe('events on labeled real news (BASIL: 100 events × 3 outlets)', () => {
  const sets: Record<'real dates' | 'ten events a day', Dated[]> = { 'real dates': [], 'ten events a day': [] };
  beforeAll(async () => {
    sets['real dates'] = await entriesOf(false);
    sets['ten events a day'] = await entriesOf(true);
  }, 60_000);

  it('prints the threshold curve', async () => {
    const lines = ['threshold  real dates (P R F1)  ten events a day (P R F1)'];
    for (const threshold of [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]) {
      const [r, p] = [
        await score(sets['real dates'], { ...DEFAULTS, threshold }),
        await score(sets['ten events a day'], { ...DEFAULTS, threshold }),
      ];
      lines.push(
        `${threshold.toFixed(2)}       ${fixed(r.precision)} ${fixed(r.recall)} ${fixed(r.f1)}   ${fixed(p.precision)} ${fixed(p.recall)} ${fixed(p.f1)}`,
      );
    }
    console.log(lines.join('\n'));
  });

  it('real dates: pairwise precision ≥ 0.95 and F1 ≥ 0.85 at the default threshold', async () => {
    const s = await score(sets['real dates'], DEFAULTS);
    console.log(`events, real dates: precision ${fixed(s.precision)} recall ${fixed(s.recall)} F1 ${fixed(s.f1)}`);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.f1).toBeGreaterThanOrEqual(0.85);
  });

  // Short of the bar (precision 0.69 at the default): recorded so that a change is seen either way.
  it('ten events a day: the stress figures at the default threshold', async () => {
    const s = await score(sets['ten events a day'], DEFAULTS);
    console.log(
      `events, ten events a day: precision ${fixed(s.precision)} recall ${fixed(s.recall)} F1 ${fixed(s.f1)}`,
    );
    expect(s.recall).toBeGreaterThanOrEqual(0.75);
    expect(s.precision).toBeGreaterThanOrEqual(0.6);
  });
});

// The labeled real-news set of tests/fixtures/real-news (its README says what it holds): BASIL's
// reports with their derived copies, stored news pages (wire copies and other outlets' reports),
// every article labeled with its event, on its real date.
describe.skipIf(!HAS_REAL_NEWS)('events on the labeled real-news set (tests/fixtures/real-news)', () => {
  it('pairwise precision ≥ 0.95 and F1 ≥ 0.85 at the default threshold; the curve is printed', async () => {
    const { articles } = loadRealNews();
    const entries = articles.map(
      (a, i): Dated => ({
        identity: String(i),
        title: a.title,
        published: new Date(a.published),
        summary: '',
        content: '',
        tags: [],
        enclosures: [],
        text: a.paragraphs.join('\n'),
        contentHash: '',
        gold: a.event,
        source: a.outlet,
      }),
    );
    await eventTermsOf(entries);
    entries.sort((a, b) => a.published.getTime() - b.published.getTime());
    const lines = [
      `real-news set: ${entries.length} articles, ${new Set(entries.map((e) => e.gold)).size} events`,
      'threshold  P R F1',
    ];
    for (const threshold of [0.15, 0.2, 0.25, 0.3, 0.35]) {
      const s = await score(entries, { ...DEFAULTS, threshold });
      lines.push(`${threshold.toFixed(2)}       ${fixed(s.precision)} ${fixed(s.recall)} ${fixed(s.f1)}`);
    }
    console.log(lines.join('\n'));
    const s = await score(entries, DEFAULTS);
    console.log(`events, real-news set: precision ${fixed(s.precision)} recall ${fixed(s.recall)} F1 ${fixed(s.f1)}`);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.f1).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
