// Events: the stories that report one event, from sources that each wrote their own words. Online
// assignment to event centroids (Miranda et al. 2018, "Multilingual Clustering of Streaming News"):
// each new article is compared, by TF-IDF cosine over its terms (lemmas and names, title and lead
// weighing more; see event-terms.ts), with the events that have a report within the window; it
// joins the most similar one that passes the threshold and shares a name with it, or starts its
// own. IDF is taken over those candidate events: a term that many recent events have counts little.
// A copy of a stored article (the story rules found it) joins that article's event.
import type { EventSettings } from '../config/schema.js';
import type { EventCandidate, EventIndex, EventMembership, EventTerms, IngestPlan, StoryDecisions } from '../model.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A centroid keeps its heaviest terms only. */
const CENTROID_TERMS = 80;
/** At most this many events are compared with a chunk of new articles: the cost stays flat. */
const MAX_CANDIDATES = 500;
/** An event is found by this many of its heaviest names. */
const NAMES_INDEXED = 12;
/** An article and an event share at least this many names ("n:obama" and "n:barack obama" are two). */
const MIN_NAMES = 2;
/** IDF smoothing: see EventPool.idf. */
const PRIOR_EVENTS = 50;
/** Shown as the evidence of a membership. */
const SHARED_SHOWN = 8;

export const isName = (term: string) => term.startsWith('n:');

/** A vector of unit length. */
function unit(terms: EventTerms): Map<string, number> {
  const norm = Math.sqrt(terms.reduce((s, [, w]) => s + w * w, 0)) || 1;
  return new Map(terms.map(([t, w]) => [t, w / norm]));
}

/** What an article's terms and an event's centroid have in common, weighed by IDF over the candidates. */
export interface Similarity {
  score: number;
  /** Shared terms, heaviest first. */
  shared: string[];
  /** Shared names. */
  names: number;
}

export type Idf = (term: string) => number;

export function similarity(terms: EventTerms, centroid: EventTerms, idf: Idf): Similarity {
  const a = new Map(terms.map(([t, w]) => [t, w * idf(t)]));
  const b = new Map(centroid.map(([t, w]) => [t, w * idf(t)]));
  let dot = 0;
  const shared: [string, number][] = [];
  for (const [t, w] of a) {
    const v = b.get(t);
    if (v === undefined) continue;
    dot += w * v;
    shared.push([t, w * v]);
  }
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, w) => s + w * w, 0)) || 1;
  shared.sort((x, y) => y[1] - x[1]);
  return {
    score: dot / (norm(a) * norm(b)),
    shared: shared.map(([t]) => t),
    names: shared.filter(([t]) => isName(t)).length,
  };
}

/** Hours from `t` to the nearest report of an event (0 inside its span). */
const gapHours = (t: number, e: EventCandidate) => Math.max(0, e.first.getTime() - t, t - e.last.getTime()) / HOUR;

/** What keeps an article out of an event; undefined when nothing does. */
export function keptApartBy(s: Similarity, gap: number, settings: EventSettings): string | undefined {
  if (gap > settings.windowDays * 24)
    return `${gap.toFixed(0)} hours apart, more than the ${settings.windowDays * 24}-hour window`;
  if (s.names < MIN_NAMES)
    return s.names ? `only ${s.names} name in common (at least ${MIN_NAMES} needed)` : 'no name in common';
  if (s.score < settings.threshold) return `similarity ${s.score.toFixed(3)} below the threshold ${settings.threshold}`;
  return undefined;
}

/**
 * The candidate events of a set of articles, with an index from term to event and IDF over them.
 * Events started while a chunk is assigned join it, so that later articles of the chunk find them.
 */
export class EventPool {
  private readonly byTerm = new Map<string, Set<EventCandidate>>();
  private readonly df = new Map<string, number>();
  readonly events: EventCandidate[] = [];

  /** With `byWords`, every shared term leads to a candidate, not only names (explain's nearest events). */
  constructor(
    events: readonly EventCandidate[],
    private readonly byWords = false,
  ) {
    for (const e of events) this.add(e);
  }

  add(event: EventCandidate): void {
    this.events.push(event);
    this.index(event, 1);
  }

  // Only names lead to candidates: an event shares at least MIN_NAMES of them with any article it takes.
  private index(event: EventCandidate, sign: 1 | -1): void {
    for (const [t] of event.centroid) {
      this.df.set(t, (this.df.get(t) ?? 0) + sign);
      if (!this.byWords && !isName(t)) continue;
      const set = this.byTerm.get(t) ?? new Set();
      if (sign > 0) set.add(event);
      else set.delete(event);
      this.byTerm.set(t, set);
    }
  }

  // Smoothed as if there were PRIOR_EVENTS more events without the term: with few candidates, a
  // term the one candidate lacks must not outweigh the terms they share.
  readonly idf: Idf = (term) => Math.log((this.events.length + PRIOR_EVENTS) / ((this.df.get(term) ?? 0) + 1));

  /** Events that share a name with `terms` (at least `minNames`), each with its similarity and time gap, most similar first. */
  nearest(
    terms: EventTerms,
    published: number,
    minNames = 1,
  ): { event: EventCandidate; similarity: Similarity; gap: number }[] {
    const found = new Map<EventCandidate, number>();
    for (const [t] of terms) for (const e of this.byTerm.get(t) ?? []) found.set(e, (found.get(e) ?? 0) + 1);
    return [...found]
      .filter(([, n]) => n >= minNames)
      .map(([e]) => e)
      .map((event) => ({
        event,
        similarity: similarity(terms, event.centroid, this.idf),
        gap: gapHours(published, event),
      }))
      .sort((x, y) => y.similarity.score - x.similarity.score);
  }

  /** Adds a report to an event: its span grows, and (unless it is a copy) its terms join the centroid. */
  grow(event: EventCandidate, terms: EventTerms | undefined, published: Date): void {
    if (terms?.length) {
      this.index(event, -1);
      const sum = new Map(event.centroid);
      for (const [t, w] of unit(terms)) sum.set(t, (sum.get(t) ?? 0) + w);
      event.centroid = [...sum].sort((a, b) => b[1] - a[1]).slice(0, CENTROID_TERMS);
      this.index(event, 1);
    }
    event.size += 1;
    if (published < event.first) event.first = published;
    if (published > event.last) event.last = published;
  }
}

/** The event an article joins: the most similar candidate that nothing keeps it apart from. */
function bestEvent(pool: EventPool, terms: EventTerms, published: number, settings: EventSettings) {
  return pool.nearest(terms, published, MIN_NAMES).find((n) => !keptApartBy(n.similarity, n.gap, settings));
}

/**
 * Assigns each new article of a written plan to an event, and writes the events. With events off
 * (or cross-source dedupe off, so no stories either), nothing is done.
 */
export async function assignEvents(
  plan: IngestPlan,
  stories: StoryDecisions,
  index: EventIndex,
  settings: EventSettings | undefined,
): Promise<void> {
  if (!settings?.enabled || !plan.fresh.length) return;
  const ids = await index.articleIds(
    plan.source,
    plan.fresh.map((e) => e.identity),
  );
  const times = plan.fresh.map((e) => e.published.getTime());
  const window = settings.windowDays * DAY;
  const names = [...new Set(plan.fresh.flatMap((e) => (e.eventTerms ?? []).map(([t]) => t).filter(isName)))];
  const pool = new EventPool(
    names.length ? await index.eventsNamed(names, new Date(Math.min(...times) - window), MAX_CANDIDATES) : [],
  );
  const copiesOf = await index.eventsOf(stories.fresh.flatMap((s) => (s.match ? [s.match.with] : [])));
  const byId = new Map(pool.events.map((e) => [e.id, e]));
  const touched = new Set<EventCandidate>();
  const members: EventMembership[] = [];
  plan.fresh.forEach((entry, i) => {
    const terms = entry.eventTerms ?? [];
    const copyOf = stories.fresh[i]?.match && byId.get(copiesOf.get(stories.fresh[i]!.match!.with) ?? '');
    const found = copyOf
      ? { event: copyOf, similarity: similarity(terms, copyOf.centroid, pool.idf), gap: gapHours(times[i]!, copyOf) }
      : bestEvent(pool, terms, times[i]!, settings);
    let event = found?.event;
    if (event) pool.grow(event, copyOf ? undefined : terms, entry.published);
    else {
      event = { id: ids[i]!, first: entry.published, last: entry.published, size: 1, centroid: [...unit(terms)] };
      pool.add(event);
      byId.set(event.id, event);
    }
    touched.add(event);
    members.push({
      article: ids[i]!,
      event: event.id,
      score: found ? found.similarity.score : 1,
      shared: found ? found.similarity.shared.slice(0, SHARED_SHOWN) : [],
      gapHours: found?.gap ?? 0,
      terms,
    });
  });
  const named = [...touched].map((e) => ({
    ...e,
    names: e.centroid
      .map(([t]) => t)
      .filter(isName)
      .slice(0, NAMES_INDEXED),
  }));
  await index.saveEvents(named, members);
}
