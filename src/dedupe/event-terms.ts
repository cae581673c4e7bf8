// An article's terms for events: the lemmas of its title and lead, and the names in them (runs of
// proper nouns, "n:xi jinping"), weighted so that the title and lead count more than the body.
// wink-nlp and its English lite model do the tokens, parts of speech and lemmas; they are loaded
// only by the stage that needs them (workers, or the refreshing process), never by the read side.
import type { Entry, EventTerms } from '../model.js';

/** The title counts this much, the lead (first ~300 characters) this much, the rest of the text once. */
const TITLE_WEIGHT = 3;
const LEAD_WEIGHT = 2;
const LEAD_CHARS = 300;
/** Only the opening of the text is read: the event is in the title and the first paragraphs. */
const TEXT_CHARS = 500;
/** A name counts this much more than a word. */
const NAME_WEIGHT = 2;
/** An article keeps its heaviest terms only. */
const MAX_TERMS = 40;

interface Reader {
  read(text: string): { lemma: string; pos: string; stop: boolean; word: boolean }[];
}

let reader: Promise<Reader> | undefined;

async function loadReader(): Promise<Reader> {
  const [{ default: winkNLP }, { default: model }] = await Promise.all([
    import('wink-nlp'),
    import('wink-eng-lite-web-model'),
  ]);
  const nlp = winkNLP(model, ['pos']);
  const its = nlp.its;
  return {
    read: (text) => {
      const doc = nlp.readDoc(text);
      const tokens = doc.tokens();
      const lemmas = tokens.out(its.lemma as never) as unknown as (string | undefined)[];
      // The model has no lemma for some words it does not know ("gont"): their normal form stands in.
      const normal = tokens.out(its.normal) as string[];
      const pos = tokens.out(its.pos) as string[];
      const stop = tokens.out(its.stopWordFlag) as unknown as boolean[];
      const type = tokens.out(its.type) as string[];
      return lemmas.map((lemma, i) => ({
        lemma: (lemma ?? normal[i] ?? '').toLowerCase(),
        pos: pos[i]!,
        stop: stop[i]!,
        word: type[i] === 'word',
      }));
    },
  };
}

const isTerm = (t: { lemma: string; stop: boolean; word: boolean }) => t.word && !t.stop && WORD.test(t.lemma);
const WORD = /^\p{L}[\p{L}\p{N}'-]+$/u;
/** "Mr.", "Mrs.", "Sen." before a name: NYT's "Mr. Obama" is Fox's "President Obama". */
const TITLE_WORD = /\.$|^(?:president|sen|rep|gov|senator|representative|governor|secretary|speaker|leader)$/;

/** Adds a name: the whole name ("n:barack obama") and, for a longer one, its last word ("n:obama"). */
function addName(terms: Map<string, number>, words: string[], weight: number): void {
  const name = words.filter((w, i) => i === words.length - 1 || !TITLE_WORD.test(w));
  if (!name.length || !WORD.test(name.at(-1)!)) return;
  const add = (term: string) => terms.set(term, (terms.get(term) ?? 0) + weight * NAME_WEIGHT);
  add(`n:${name.join(' ')}`);
  if (name.length > 1) add(`n:${name.at(-1)}`);
}

/** A headline In Title Case tags every word a proper noun: its names are taken from the text instead. */
const isTitleCase = (text: string) => {
  const words = text.match(/\p{L}+/gu) ?? [];
  return words.length > 3 && words.filter((w) => /^\p{Lu}/u.test(w)).length / words.length > 0.6;
};

/** Adds the words and names of `text`, each at `weight`, to `terms`. */
function addTerms(terms: Map<string, number>, read: Reader['read'], text: string, weight: number, names = true): void {
  if (!text.trim()) return;
  const tokens = read(text);
  let name: string[] = [];
  const endName = () => {
    if (names && name.length) addName(terms, name, weight);
    name = [];
  };
  for (const t of tokens) {
    if (t.pos === 'PROPN' && t.word) name.push(t.lemma);
    else endName();
    if (isTerm(t)) terms.set(t.lemma, (terms.get(t.lemma) ?? 0) + weight);
  }
  endName();
}

/** The heaviest terms of a title and text, weights damped (1 + log), heaviest first. */
function termsOf(read: Reader['read'], title: string, text: string): EventTerms {
  const terms = new Map<string, number>();
  const body = text.slice(0, TEXT_CHARS);
  addTerms(terms, read, title, TITLE_WEIGHT, !isTitleCase(title));
  addTerms(terms, read, body.slice(0, LEAD_CHARS), LEAD_WEIGHT);
  addTerms(terms, read, body.slice(LEAD_CHARS), 1);
  return [...terms]
    .map(([term, w]): [string, number] => [term, 1 + Math.log(w)])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_TERMS);
}

/** The event terms of each entry (its title and the opening of its text). */
export async function eventTermsOf(entries: Entry[]): Promise<Entry[]> {
  if (!entries.length) return entries;
  const { read } = await (reader ??= loadReader());
  for (const entry of entries) {
    try {
      entry.eventTerms = termsOf(read, entry.title, entry.text);
    } catch {
      // Events are a convenience: an entry the model cannot read joins none, and loses nothing else.
      entry.eventTerms = [];
    }
  }
  return entries;
}
