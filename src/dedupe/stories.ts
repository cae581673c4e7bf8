// Stories: the same story from several sources is one story. For each article new to its source,
// the first rule that finds another article decides: the same canonical URL (another source's), the
// same content fingerprint (in its own source too), or a near duplicate found through the index
// (MinHash bands, passage keys, title keys) and confirmed by the near-duplicate rule (near-rule.ts),
// which may bridge two stories into one. The store answers the lookups through the StoryIndex
// interface, for a whole batch at a time, inside the ingest's transaction.
import type { DedupeSettings } from '../config/schema.js';
import { inWeek, weekOf } from '../lib/lsh-keys.js';
import type {
  Entry,
  IngestPlan,
  StoryCandidate,
  StoryDecisions,
  StoryIndex,
  StoryMatch,
  StoryMerge,
} from '../model.js';
import { lookupKeys } from './fingerprint.js';
import { isTeaserCopy, measure, pathOf, type Side } from './near-rule.js';

const DAY = 86_400_000;
/** exceptSource for a lookup in every source, the entry's own included. */
const ANY_SOURCE = '';

/** The keys an entry is indexed under: its fingerprint's band keys, in the week it was published. */
function indexKeys(entry: Entry): number[] {
  return inWeek(entry.fingerprint?.bands ?? [], weekOf(entry.published.getTime()));
}

/** The keys to look up for an entry: its own keys (lookupKeys) in each week that the dedupe window spans. */
function keysToLookUp(entry: Entry, window: number): number[] {
  const t = entry.published.getTime();
  const own = lookupKeys(entry.fingerprint!.bands);
  const keys: number[] = [];
  for (let week = weekOf(t - window); week <= weekOf(t + window); week += 1) keys.push(...inWeek(own, week));
  return keys;
}

const distinct = <T>(values: (T | undefined)[]) => [...new Set(values.filter((v): v is T => v !== undefined))];

/** What the near-duplicate rule says of an entry and one candidate: undefined when it is not a copy. */
function judge(
  own: Side,
  c: StoryCandidate,
  settings: DedupeSettings,
): { c: StoryCandidate; score: number } | undefined {
  const figures = measure(own, c, settings.quoteWeight);
  const path = pathOf(figures, settings);
  // A teaser copy scores its headlines' likeness, below any copy found by its text.
  return path && { c, score: path === 'teaser' ? figures.title / 2 : figures.containment };
}

/** The values two sorted arrays both have, sorted. */
function common(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i += 1;
    else if (a[i]! > b[j]!) j += 1;
    else {
      out[n++] = a[i]!;
      i += 1;
      j += 1;
    }
  }
  return out.subarray(0, n);
}

/**
 * Another story the entry also matches merges into the one it joins when the text the entry shares
 * with each overlaps (lowContainment of the smaller share), when both carry its first paragraph, or
 * when their two matched articles are teaser copies of each other. Two edits of one wire story, or
 * an excerpt and a cut copy, share too little with each other for the rule but the same lead and
 * more with the whole story; a digest carries two unrelated stories in disjoint parts, one of them
 * first (a briefing of one-paragraph items has each item in a paragraph of its own).
 */
function mergesOf(own: Side, best: StoryCandidate, others: StoryCandidate[], settings: DedupeSettings): StoryMerge[] {
  const withBest = common(own.shingles, best.shingles);
  const bestLead = measure(own, best, settings.quoteWeight).firstLead;
  const merges: StoryMerge[] = [];
  for (const other of others) {
    const withOther = common(own.shingles, other.shingles);
    const smaller = Math.min(withBest.length, withOther.length);
    const overlap = smaller ? common(withBest, withOther).length / smaller : 0;
    const bothLead = bestLead >= settings.lead && measure(own, other, settings.quoteWeight).firstLead >= settings.lead;
    if (
      overlap >= settings.lowContainment ||
      bothLead ||
      isTeaserCopy(measure(best, other, settings.quoteWeight), settings)
    )
      merges.push({ merged: other.story, a: best.id, b: other.id, score: overlap });
  }
  return merges;
}

/** Rule 4: among the candidates an entry's keys found, the closest confirmed near duplicate, and the stories it bridges. */
function nearest(entry: Entry, candidates: Iterable<StoryCandidate>, settings: DedupeSettings): StoryMatch | undefined {
  const own = {
    title: entry.title,
    shingles: entry.fingerprint!.shingles,
    marks: entry.fingerprint!.marks,
    published: entry.published,
  };
  const byStory = new Map<string, { c: StoryCandidate; score: number }>();
  for (const c of candidates) {
    const found = judge(own, c, settings);
    if (found && found.score > (byStory.get(c.story)?.score ?? -1)) byStory.set(c.story, found);
  }
  const [best, ...others] = [...byStory.values()].sort((x, y) => y.score - x.score);
  if (!best) return undefined;
  const merges = mergesOf(
    own,
    best.c,
    others.map((o) => o.c),
    settings,
  );
  return {
    story: best.c.story,
    with: best.c.id,
    rule: 'near',
    score: best.score,
    ...(merges.length ? { merges } : {}),
  };
}

/** The story each entry joins (undefined: it starts its own), rule by rule, for the whole batch at once. */
async function matchStories(
  entries: readonly Entry[],
  source: string,
  index: StoryIndex,
  settings: DedupeSettings,
): Promise<(StoryMatch | undefined)[]> {
  const found: (StoryMatch | undefined)[] = new Array(entries.length).fill(undefined);
  const open = () => entries.flatMap((_, i) => (found[i] ? [] : [i]));

  const byLink = await index.findByLinks(distinct(entries.map((e) => e.link)), source);
  entries.forEach((e, i) => {
    const c = e.link ? byLink.get(e.link) : undefined;
    if (c) found[i] = { story: c.story, with: c.id, rule: 'url', score: 1 };
  });

  // Rule 3: the same content fingerprint, with text to compare (minShared shingles), in any source:
  // the same document under two identities of one source (a copied file, an item posted twice) is
  // one story too. Entries with a headline and next to no text are teasers, for rule 4 to judge
  // (the same headline on another day is another day's story).
  const withText = open().filter((i) => (entries[i]!.fingerprint?.shingles.length ?? 0) >= settings.minShared);
  const first = new Map<string, number>();
  for (const i of withText) {
    const exact = entries[i]!.fingerprint!.exact;
    const sibling = first.get(exact);
    if (sibling === undefined) first.set(exact, i);
    else found[i] = { story: '', with: '', sibling, rule: 'fingerprint', score: 1 };
  }
  const byFingerprint = await index.findByFingerprints(
    distinct(withText.map((i) => entries[i]!.fingerprint!.exact)),
    ANY_SOURCE,
  );
  for (const i of withText) {
    const c = byFingerprint.get(entries[i]!.fingerprint!.exact);
    if (c) found[i] = { story: c.story, with: c.id, rule: 'fingerprint', score: 1 };
  }

  // Entries with little text look up their title keys: a teaser is found by its headline.
  const near = open().filter((i) => entries[i]!.fingerprint?.bands.length);
  const keys = near.map((i) => keysToLookUp(entries[i]!, settings.windowDays * DAY));
  const byKey = await index.findByKeys([...new Set(keys.flat())], source);
  near.forEach((i, n) => {
    const candidates = new Set<StoryCandidate>();
    for (const key of keys[n]!) for (const c of byKey.get(key) ?? []) candidates.add(c);
    found[i] = nearest(entries[i]!, candidates, settings);
  });
  return found;
}

/**
 * What dedupe decides for an ingest plan: the story each new entry joins, and the index keys of
 * every new and edited entry. With cross-source dedupe off, nothing is matched or indexed.
 */
export async function assignStories(
  plan: IngestPlan,
  index: StoryIndex,
  settings: DedupeSettings | undefined,
): Promise<StoryDecisions> {
  if (!settings?.crossSource) return { fresh: plan.fresh.map(() => ({ keys: [] })), edited: plan.edited.map(() => []) };
  const matches = await matchStories(plan.fresh, plan.source, index, settings);
  return {
    fresh: plan.fresh.map((entry, i) => ({ match: matches[i], keys: indexKeys(entry) })),
    edited: plan.edited.map(indexKeys),
  };
}
