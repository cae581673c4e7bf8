// Rule 4, near duplicates: two texts are one story when the text they share is substantial in
// absolute terms and relative to the shorter one, and spread over most of its paragraphs (a
// follow-up that repeats three paragraphs of background shares them whole, and nothing else).
// Quotation counts for less: two reports that quote one statement share it without being one story.
// docs/dedupe-and-events.md ("The near-duplicate rule") gives the reasoning and the figures of the labeled set.
import { QUOTED, titleSimilarity } from './fingerprint.js';

export interface NearRule {
  /** Shared shingles needed, quotation counted at quoteWeight: short boilerplate never merges. */
  minShared: number;
  /** Share of the shorter text's shingles (weighted the same way) that the longer one has. */
  containment: number;
  /** Share of the shorter text's paragraphs that must carry shared text (a third of the paragraph or more). */
  spread: number;
  /** What a shingle of quotation (in either text) counts for. */
  quoteWeight: number;
  /** Days apart at most. */
  windowDays: number;
  /** The containment that is enough when both leads are shared or the spread is broad: edited and reworded copies. */
  lowContainment: number;
  /** Share of each text's lead that the other has, for the lower containment. */
  lead: number;
  /** Share of the shorter text's paragraphs (of three or more) that carry shared text, for the lower containment. */
  broadSpread: number;
  /** Headline similarity (titleSimilarity) that makes two entries with little text one story, within a day. */
  teaserTitle: number;
  /** "Little text": the shorter text weighs less than this (about 700 characters). */
  teaserText: number;
}

export const DEFAULT_RULE: NearRule = {
  minShared: 30,
  containment: 0.5,
  spread: 0.67,
  quoteWeight: 0.25,
  windowDays: 3,
  lowContainment: 0.4,
  lead: 0.5,
  broadSpread: 0.75,
  teaserTitle: 0.8,
  teaserText: 120,
};

/** One side of a comparison, as fingerprints and stored rows give it. */
export interface Side {
  title: string;
  shingles: Uint32Array;
  /** A mark per shingle (paragraph, QUOTED); rows stored before marks read as zeros. */
  marks: Uint8Array;
  published?: Date;
}

export interface Figures {
  /** Distinct 3-shingles both texts have. */
  shared: number;
  /** Of them, quotation in either text. */
  quoted: number;
  /** shared, quotation counted at the rule's weight. */
  weight: number;
  /** weight / the shorter text's weight. */
  containment: number;
  /** The shorter text's weight. */
  shorter: number;
  /** The shorter text's paragraphs that carry shared text (a third of each or more), and how many it has. */
  paragraphs: number;
  ofParagraphs: number;
  /** The smaller of the two leads' shares that the other text has (leadShare). */
  lead: number;
  /** The share of the first text's first paragraph of LEAD_WEIGHT or more that the other has. */
  firstLead: number;
  /** The share of the shorter title's words the other has (titleSimilarity): it decides only for teasers (isTeaserCopy). */
  title: number;
  daysApart: number;
}

/** The ways a pair is one story (PATHS says each in words). */
export type Path = 'text' | 'lead' | 'broad' | 'teaser';

/** The part of the rule that keeps a pair apart. */
export type Stop = 'window' | 'shared' | 'containment' | 'paragraphs';

const PARAGRAPHS = QUOTED;
/** A lead is one of the first two paragraphs of this weight or more (a dozen words). */
const LEAD_WEIGHT = 10;
const LEAD_PARAGRAPHS = 2;
const DAY = 86_400_000;

/** The weight of each paragraph of a side, and the total. */
function weights(side: Side, quoteWeight: number): { total: number; byParagraph: Float64Array } {
  const byParagraph = new Float64Array(PARAGRAPHS);
  let total = 0;
  for (let i = 0; i < side.shingles.length; i += 1) {
    const mark = side.marks[i] ?? 0;
    const w = mark & QUOTED ? quoteWeight : 1;
    byParagraph[mark % QUOTED] += w;
    total += w;
  }
  return { total, byParagraph };
}

/**
 * The share of a side's lead that the other text has: of its first LEAD_PARAGRAPHS paragraphs of
 * LEAD_WEIGHT or more, the best shared. A photo caption, a byline or a lone dateline often comes
 * before the lead (the AP's Strzok story on nwaonline.com and abc7.com, in tests/fixtures/real-news).
 */
function leadShare(byParagraph: Float64Array, shared: Float64Array, leads = LEAD_PARAGRAPHS): number {
  let best = 0;
  for (let p = 0, seen = 0; p < PARAGRAPHS && seen < leads; p += 1) {
    if (byParagraph[p]! < LEAD_WEIGHT) continue;
    seen += 1;
    best = Math.max(best, shared[p]! / byParagraph[p]!);
  }
  return best;
}

export function measure(a: Side, b: Side, quoteWeight = DEFAULT_RULE.quoteWeight): Figures {
  const wa = weights(a, quoteWeight);
  const wb = weights(b, quoteWeight);
  const sharedA = new Float64Array(PARAGRAPHS);
  const sharedB = new Float64Array(PARAGRAPHS);
  let shared = 0;
  let quoted = 0;
  let weight = 0;
  for (let i = 0, j = 0; i < a.shingles.length && j < b.shingles.length; ) {
    if (a.shingles[i]! < b.shingles[j]!) i += 1;
    else if (a.shingles[i]! > b.shingles[j]!) j += 1;
    else {
      const ma = a.marks[i] ?? 0;
      const mb = b.marks[j] ?? 0;
      const isQuoted = (ma | mb) & QUOTED;
      const w = isQuoted ? quoteWeight : 1;
      shared += 1;
      if (isQuoted) quoted += 1;
      weight += w;
      sharedA[ma % QUOTED] += w;
      sharedB[mb % QUOTED] += w;
      i += 1;
      j += 1;
    }
  }
  const [short, sharedShort] = wa.total <= wb.total ? [wa, sharedA] : [wb, sharedB];
  let paragraphs = 0;
  let ofParagraphs = 0;
  for (let p = 0; p < PARAGRAPHS; p += 1) {
    if (!short.byParagraph[p]) continue;
    ofParagraphs += 1;
    if (sharedShort[p]! >= short.byParagraph[p]! / 3) paragraphs += 1;
  }
  const daysApart = a.published && b.published ? Math.abs(a.published.getTime() - b.published.getTime()) / DAY : 0;
  const lead = Math.min(leadShare(wa.byParagraph, sharedA), leadShare(wb.byParagraph, sharedB));
  const firstLead = leadShare(wa.byParagraph, sharedA, 1);
  const containment = short.total ? weight / short.total : 0;
  return {
    shared,
    quoted,
    weight,
    containment,
    shorter: short.total,
    paragraphs,
    ofParagraphs,
    lead,
    firstLead,
    title: titleSimilarity(a.title, b.title),
    daysApart,
  };
}

/**
 * Below this weight the shorter text says nothing (a headline alone, a line of six words). Above it,
 * the text a teaser has must agree (textAgrees): in tests/fixtures/real-news, independent reports of
 * one event under near-identical headlines the same day share 0.34 of the shorter text at most, and
 * a teaser of 7 shingles (HuffPost's Farenthold story, cut to 130 characters) shares 0.29 with fox4news's own report.
 */
const NO_TEXT = 5;

/** A teaser copy: a near-identical headline the same day, and too little text to say otherwise. */
export const isTeaserCopy = (f: Figures, rule: NearRule) =>
  f.title >= rule.teaserTitle &&
  f.daysApart <= 1 &&
  f.shorter < rule.teaserText &&
  (f.shorter < NO_TEXT || textAgrees(f, rule));

/** Most of the shorter text, or the lower containment with both leads: the text paths, without minShared or spread. */
const textAgrees = (f: Figures, rule: NearRule) =>
  f.containment >= rule.containment || (f.containment >= rule.lowContainment && f.lead >= rule.lead);

/** Which path of the rule takes a pair: undefined when none does. */
export function pathOf(f: Figures, rule: NearRule): Path | undefined {
  if (f.daysApart > rule.windowDays) return undefined;
  return textPathOf(f, rule) ?? (isTeaserCopy(f, rule) ? 'teaser' : undefined);
}

function textPathOf(f: Figures, rule: NearRule): Path | undefined {
  if (f.weight < rule.minShared) return undefined;
  const spread = f.ofParagraphs ? f.paragraphs / f.ofParagraphs : 1;
  if (f.containment >= rule.containment && spread >= rule.spread) return 'text';
  // Edited copies keep both leads and cut, reorder or add paragraphs around them; reworded copies
  // keep a little of nearly every paragraph. A follow-up does neither: new lead, background whole.
  if (f.containment < rule.lowContainment) return undefined;
  if (f.lead >= rule.lead) return 'lead';
  if (f.ofParagraphs >= 3 && spread >= rule.broadSpread) return 'broad';
  return undefined;
}

/** What keeps the pair apart, in the rule's order; undefined when it is one story. */
export function stopOf(f: Figures, rule: NearRule): Stop | undefined {
  if (pathOf(f, rule)) return undefined;
  if (f.daysApart > rule.windowDays) return 'window';
  if (f.weight < rule.minShared) return 'shared';
  return f.containment < rule.containment ? 'containment' : 'paragraphs';
}

/** Each path in words, for tidings explain. */
export const PATHS: Record<Path, string> = {
  text: 'most of the shorter text, spread over its paragraphs',
  lead: 'an edited copy: both leads shared',
  broad: 'a reworded copy: shared text in nearly every paragraph',
  teaser: 'a teaser copy: near-identical headlines the same day, little text',
};

/** The figures in words, for tidings explain and articles --duplicates. */
export function describeFigures(f: Figures): string {
  const quotation = f.quoted ? ` (${f.quoted} of them quotation)` : '';
  return `${f.shared} shingles shared${quotation}, containment ${f.containment.toFixed(2)}, ${f.paragraphs} of ${f.ofParagraphs} paragraphs, leads ${f.lead.toFixed(2)}, title similarity ${f.title.toFixed(2)}, ${f.daysApart.toFixed(1)} days apart`;
}

/** Why the lead path did not take the pair either. */
const leadPath = (f: Figures, rule: NearRule) =>
  f.containment < rule.lowContainment
    ? ''
    : `; ${rule.lowContainment} would do with shared leads (${f.lead.toFixed(2)}, at least ${rule.lead} needed) or shared text in ${Math.round(rule.broadSpread * 100)}% of the paragraphs`;

/** Which part of the rule stopped a pair, in words. */
export function describeStop(stop: Stop, f: Figures, rule: NearRule): string {
  switch (stop) {
    case 'window':
      return `more than ${rule.windowDays} days apart`;
    case 'shared':
      return `too little shared text (${f.weight.toFixed(0)} weighted shingles, at least ${rule.minShared} needed)`;
    case 'containment':
      return `the shorter text is not mostly contained (${f.containment.toFixed(2)}, at least ${rule.containment} needed)${leadPath(f, rule)}`;
    case 'paragraphs':
      return `shared text in too few of the shorter text's paragraphs (${f.paragraphs} of ${f.ofParagraphs}, at least ${Math.ceil(rule.spread * f.ofParagraphs)} needed)${leadPath(f, rule)}`;
  }
}
