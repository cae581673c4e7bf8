// Loads the labeled real-news sets of tests/fixtures/real-news (issue 22; README.md there says what each holds),
// so the copies and events tests read them one way. Data only: no rule here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers.js';

export const REAL_NEWS = join(FIXTURES, 'real-news');
export const HAS_REAL_NEWS = existsSync(join(REAL_NEWS, 'articles'));

export interface RealArticle {
  id: string;
  outlet: string;
  url: string;
  title: string;
  published: string;
  paragraphs: string[];
  /** basil: BASIL's reports; pages: stored news pages; derived: made here by edits.mjs. */
  origin: 'basil' | 'pages' | 'derived';
  event: string;
  derivedFrom?: string;
  /** Pages: the wire story label (one label, one text), versions of one story (family), a BASIL article carried. */
  story?: string;
  family?: string;
  copyOf?: string;
}

export interface CopyPair {
  a: string;
  b: string;
  same: boolean;
  /** Positives: verbatim, edited, excerpt, rewrite. Negatives: same-event, same-day, follow-up, same-topic. */
  kind: string;
  via?: string;
  edits?: string[];
  /** Both sides real (pages, or a page and a BASIL report): nothing derived. */
  real?: boolean;
}

export interface RealEvent {
  id: string;
  title: string;
  published: string;
  /** The independent reports (and real copies of them). */
  articles: string[];
  /** Derived copies of the reports: the same event too. */
  copies: string[];
  /** Articles of related but different events. */
  distractors: string[];
  distractorEvents: { event: string; relation: string; gapDays: number; shared: string[]; broad?: boolean }[];
}

const readJsonl = <T>(name: string): T[] =>
  readFileSync(join(REAL_NEWS, name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);

/** The three sets, with lookups by article id and each article's event. */
export function loadRealNews() {
  // In files of 500 (articles/000.jsonl, …), so that no file of the repository is large.
  const articles = readdirSync(join(REAL_NEWS, 'articles'))
    .sort()
    .flatMap((f) => readJsonl<RealArticle>(join('articles', f)));
  const pairs = readJsonl<CopyPair>('copies.jsonl');
  const events = readJsonl<RealEvent>('events.jsonl');
  const byId = new Map(articles.map((a) => [a.id, a]));
  const eventOf = new Map(events.flatMap((e) => [...e.articles, ...e.copies].map((id) => [id, e.id] as const)));
  return { articles, pairs, events, byId, eventOf };
}

export interface CopyFigures {
  precision: number;
  recall: number;
  /** Per kind (`same/edited`, `different/same-event`, … with `/real` for real pairs): pairs put together, of all. */
  byKind: Record<string, { together: number; of: number }>;
}

/**
 * Scores a copies rule on the labeled pairs, given each article's story id (an article missing from
 * `storyOf` is a story of its own). Precision and recall are over the labeled pairs, not all pairs.
 */
export function scoreCopies(pairs: CopyPair[], storyOf: (id: string) => string | undefined): CopyFigures {
  const story = (id: string) => storyOf(id) ?? `alone:${id}`;
  const byKind: CopyFigures['byKind'] = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of pairs) {
    const together = story(p.a) === story(p.b);
    const key = `${p.same ? 'same' : 'different'}/${p.kind}${p.real ? '/real' : ''}`;
    const row = (byKind[key] ??= { together: 0, of: 0 });
    row.of += 1;
    if (together) row.together += 1;
    if (p.same && together) tp += 1;
    else if (p.same) fn += 1;
    else if (together) fp += 1;
  }
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn), byKind };
}

export interface EventFigures {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Pairwise event figures over every article of the sets: a pair is right when both the rule and the labels
 * put its two articles in one event. `eventOf` gives the rule's event id (missing: an event of its own).
 */
export function scoreEvents(events: RealEvent[], eventOf: (id: string) => string | undefined): EventFigures {
  const pairsIn = (n: number) => (n * (n - 1)) / 2;
  const cells = new Map<string, number>();
  const predicted = new Map<string, number>();
  let gold = 0;
  for (const e of events) {
    const members = [...e.articles, ...e.copies];
    gold += pairsIn(members.length);
    for (const id of members) {
      const mine = eventOf(id) ?? `alone:${id}`;
      cells.set(`${e.id}\u0000${mine}`, (cells.get(`${e.id}\u0000${mine}`) ?? 0) + 1);
      predicted.set(mine, (predicted.get(mine) ?? 0) + 1);
    }
  }
  const tp = [...cells.values()].reduce((sum, n) => sum + pairsIn(n), 0);
  const said = [...predicted.values()].reduce((sum, n) => sum + pairsIn(n), 0);
  const precision = said === 0 ? 1 : tp / said;
  const recall = gold === 0 ? 1 : tp / gold;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
