// The labeled real-news sets of tests/fixtures/real-news (issue 22): their shape and counts, so the copies
// and events rules are measured on what the README promises. Skips when the folder is absent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/parse/seed.js';
import { HAS_REAL_NEWS, loadRealNews, REAL_NEWS, scoreCopies, scoreEvents, type RealArticle } from './real-news.js';

const PRESENT = HAS_REAL_NEWS;
const EMPTY = {
  articles: [],
  pairs: [],
  events: [],
  byId: new Map<string, RealArticle>(),
  eventOf: new Map<string, string>(),
};

const TITLE = PRESENT
  ? 'real-news labeled sets (tests/fixtures/real-news)'
  : 'real-news labeled sets: skipped, tests/fixtures/real-news is absent';

describe.skipIf(!PRESENT)(TITLE, () => {
  const { articles, pairs, events, byId, eventOf } = PRESENT ? loadRealNews() : EMPTY;

  it('every article has an id, outlet, url, title, ISO time and text, and ids are unique', () => {
    expect(byId.size).toBe(articles.length);
    for (const a of articles) {
      expect(a.id && a.outlet && a.url && a.title, a.id).toBeTruthy();
      expect(new Date(a.published).toISOString().slice(0, 19), a.id).toBe(a.published.slice(0, 19));
      expect(a.paragraphs.length, a.id).toBeGreaterThan(0);
      expect(
        a.paragraphs.every((p) => typeof p === 'string' && p.trim() !== ''),
        a.id,
      ).toBe(true);
      if (a.derivedFrom) expect(byId.has(a.derivedFrom), a.id).toBe(true);
    }
  });

  it('copies: at least 200 same-story pairs, and every kind of hard negative', () => {
    for (const p of pairs) {
      expect(byId.has(p.a) && byId.has(p.b), `${p.a} / ${p.b}`).toBe(true);
      expect(p.a).not.toBe(p.b);
    }
    const kinds = (same: boolean) => new Set(pairs.filter((p) => p.same === same).map((p) => p.kind));
    expect(pairs.filter((p) => p.same).length).toBeGreaterThanOrEqual(200);
    expect([...kinds(true)]).toEqual(expect.arrayContaining(['verbatim', 'edited', 'excerpt', 'rewrite']));
    expect([...kinds(false)]).toEqual(expect.arrayContaining(['same-topic', 'same-event', 'follow-up']));
    for (const kind of ['same-topic', 'same-event', 'follow-up']) {
      expect(pairs.filter((p) => !p.same && p.kind === kind).length, kind).toBeGreaterThanOrEqual(20);
    }
  });

  it('copies: labels agree with the events (a copy stays in its event; no negative pairs an article with its copy)', () => {
    const root = (id: string): string => byId.get(id)?.derivedFrom ?? id;
    for (const p of pairs) {
      if (p.same) expect(eventOf.get(p.a), `${p.a} / ${p.b}`).toBe(eventOf.get(p.b));
      else expect(root(p.a), `${p.a} / ${p.b}`).not.toBe(root(p.b));
      if (!p.same && p.kind === 'same-event') expect(eventOf.get(p.a)).toBe(eventOf.get(p.b));
      if (!p.same && p.kind !== 'same-event') expect(eventOf.get(p.a)).not.toBe(eventOf.get(p.b));
    }
  });

  it('excerpts are 400–700 characters of text, as feeds carry them', () => {
    const teasers = articles.filter((a) => /~excerpt\d+$/.test(a.id));
    expect(teasers.length).toBeGreaterThan(0);
    for (const t of teasers) {
      const body = t.paragraphs.filter((p) => !p.startsWith('The post ')).join(' ');
      expect(body.length, t.id).toBeLessThanOrEqual(720);
      const whole = byId.get(t.derivedFrom!)!.paragraphs.join(' ').length;
      expect(body.length, t.id).toBeGreaterThanOrEqual(Math.min(400, whole) - 80);
    }
  });

  it('events: at least 100 events of 2+ reports by different outlets, each with distractors from other events', () => {
    const reported = events.filter((e) => new Set(e.articles.map((id) => byId.get(id)?.outlet)).size >= 2);
    expect(reported.length).toBeGreaterThanOrEqual(100);
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(events.length);
    for (const e of events) {
      for (const id of [...e.articles, ...e.copies, ...e.distractors])
        expect(byId.has(id), `${e.id}: ${id}`).toBe(true);
      expect(e.distractors.length, e.id).toBeGreaterThan(0);
      for (const id of e.distractors) expect(eventOf.get(id), `${e.id}: ${id}`).not.toBe(e.id);
      for (const d of e.distractorEvents) expect(ids.has(d.event), `${e.id}: ${d.event}`).toBe(true);
    }
    const relations = new Set(events.flatMap((e) => e.distractorEvents.map((d) => d.relation)));
    expect([...relations]).toEqual(expect.arrayContaining(['same-topic', 'follow-up']));
  });

  it('every article belongs to exactly one event', () => {
    const seen = events.flatMap((e) => [...e.articles, ...e.copies]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(articles.length);
  });

  it('the scorers: the labels score themselves perfectly, and every article alone finds nothing', () => {
    const goldEvent = (id: string) => eventOf.get(id);
    // The labels' own stories: an original with its derived copies, and each real page story with its copyOf.
    const storyOf = (id: string) => {
      const a = byId.get(id);
      if (!a) return undefined;
      if (a.copyOf) return a.copyOf;
      return a.derivedFrom ?? (a.story ? `page:${a.story}` : a.id);
    };
    const copies = scoreCopies(pairs, storyOf);
    expect([copies.precision, copies.recall]).toEqual([1, 1]);
    expect(scoreCopies(pairs, () => undefined).recall).toBe(0);
    expect(scoreEvents(events, goldEvent)).toEqual({ precision: 1, recall: 1, f1: 1 });
    const alone = scoreEvents(events, () => undefined);
    expect([alone.precision, alone.recall]).toEqual([1, 0]);
    const oneBigEvent = scoreEvents(events, () => 'all');
    expect(oneBigEvent.recall).toBe(1);
    expect(oneBigEvent.precision).toBeLessThan(0.05);
  });

  it('every article exported as a seed document reads back whole: time, paragraphs, headline, no warning', async () => {
    // Imported here, not at the top: the folder may be absent (then this suite is skipped).
    const { seedDocument } = (await import(join(REAL_NEWS, 'seeds.mjs'))) as {
      seedDocument: (a: RealArticle) => string;
    };
    const words = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s]/gu, '')
        .split(/\s+/)
        .filter(Boolean);
    for (const a of articles) {
      const bytes = new TextEncoder().encode(seedDocument(a));
      const { entry, warnings } = parseSeed(bytes, `${a.id}.txt`, `${a.id}.txt`, {
        timezone: 'UTC',
        titleFrom: 'hashtags',
      });
      expect(warnings, a.id).toEqual([]);
      expect(entry.published?.toISOString().slice(0, 19), a.id).toBe(a.published.slice(0, 19));
      expect(entry.content?.value.split('\n\n').length, a.id).toBe(a.paragraphs.length);
      expect(words(entry.title?.value ?? ''), a.id).toEqual(words(a.title));
    }
  });
});
