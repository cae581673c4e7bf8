// Loads the labeled real-news sets of tests/fixtures/real-news (issue 22; README.md there says what each holds),
// so the copies and events tests read them one way. Data only: no rule here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers.js';

export const REAL_NEWS = join(FIXTURES, 'real-news');
export const HAS_REAL_NEWS = existsSync(join(REAL_NEWS, 'articles.jsonl'));

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
  const articles = readJsonl<RealArticle>('articles.jsonl');
  const pairs = readJsonl<CopyPair>('copies.jsonl');
  const events = readJsonl<RealEvent>('events.jsonl');
  const byId = new Map(articles.map((a) => [a.id, a]));
  const eventOf = new Map(events.flatMap((e) => [...e.articles, ...e.copies].map((id) => [id, e.id] as const)));
  return { articles, pairs, events, byId, eventOf };
}

/** An article as a seed document or feed item carries it: the title, then one paragraph a line. */
export const articleText = (a: RealArticle): string => [a.title, ...a.paragraphs].join('\n');
