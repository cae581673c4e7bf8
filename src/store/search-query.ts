// The search query language of `tidings articles --search`, read once and written out for each store:
// toFts5 for SQLite's FTS5 MATCH, toTsquery for PostgreSQL's to_tsquery('simple', …). Both stores
// accept exactly the queries parseSearch accepts, and every one of them means the same thing in both.
//
// The language:
//   tram               a word. Case does not matter. A word is a run of Unicode letters and digits
//                      (\p{L}\p{N}, with the combining marks that follow them, \p{M}), in any script:
//                      São, Пакистан, हिन्दी. Text is NFC-normalised and lowercased.
//   foo-bar  a:b       a run of other characters splits words: a bare term of several words is the
//                      phrase of those words ("foo bar"); a term with no letter or digit at all
//                      (`&`, `*`, a lone `-`, `""`) is dropped, as if it were not there.
//   "foreign ministry" a phrase: its words, in that order, adjacent. Nothing inside quotes is an
//                      operator or syntax ("AND", "(", "a:b*" are words or punctuation); a phrase of
//                      one word is that word.
//   iran*              a prefix: words starting with iran. Only on a bare single word; a `*` anywhere
//                      else (inside quotes, after a phrase, inside a term) is punctuation.
//   a b   a AND b      both (AND is implicit between terms).
//   a OR b             either.
//   NOT b   -b         without b. `-` is NOT only at the start of a term (`-bus`, `-"a b"`, `-(a b)`);
//                      inside a term it splits words (foo-bar).
//   ( … )              grouping.
//   Operators are AND, OR and NOT in upper case only: `and`, `or`, `not` are words.
//   Precedence: NOT binds tightest, then AND, then OR: `a OR b c -d` is `a OR (b AND (NOT d))`.
//
// A query must have something to search for: at least one positive term that every match contains.
// So `NOT bus`, `-a -b` and an empty query are errors, and so is a NOT that excludes from everything,
// as in `a OR NOT b` (SQLite cannot say "everything but b"): a NOT must sit in an AND beside a positive
// term (`a -b`, `(a -b) OR c`). `NOT NOT a` is a, and `x -(-a -b)` is `x (a OR b)`.
//
// A query is bounded, so that no query costs much (issue 25: 602 prefix terms took 25 s): at most
// MAX_QUERY_CHARS characters, MAX_TERMS words and phrases, MAX_PREFIXES of them prefixes (each
// prefix is expanded to every indexed word it starts).
//
// No column filters: `title:tram` is the phrase "title tram", except where the caller names fields
// (keep and block rules, rules/rules.ts: `title:tram`, `tag:"a b"`, `age:>30d`). Diacritics on Latin letters do not
// matter (sao finds São): FTS5 folds them itself, and PostgreSQL indexes and queries in searchForm.

import { SearchQueryError } from '../errors.js';

/** A parsed query. Words are lowercased; phrases have at least two words; ANDs and ORs are flat. */
export type SearchNode =
  | { kind: 'word'; text: string; prefix: boolean }
  | { kind: 'phrase'; words: string[] }
  | { kind: 'and' | 'or'; children: SearchNode[] }
  | { kind: 'not'; child: SearchNode }
  /** `title:tram`, `age:>30d`: only where the caller names its fields (keep and block rules); the value as written. */
  | { kind: 'field'; field: string; value: string };

export interface SearchOptions {
  /** Field names read as `name:value` (with `name:"a phrase"`); without them `a:b` is the phrase "a b". */
  fields?: readonly string[];
}

type Token = { kind: 'term'; node: SearchNode } | { kind: 'AND' | 'OR' | 'NOT' | '(' | ')' | 'end' };

const WORDS = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
const PREFIX = /^([\p{L}\p{N}][\p{L}\p{N}\p{M}]*)\*+$/u;
const MAX_DEPTH = 100;
const MAX_QUERY_CHARS = 16 * 1024;
const MAX_TERMS = 64;
const MAX_PREFIXES = 8;

/** Reads a query; throws SearchQueryError when it cannot. */
export function parseSearch(query: string, options: SearchOptions = {}): SearchNode {
  if (query.length > MAX_QUERY_CHARS) throw new SearchQueryError(`query too long: over ${MAX_QUERY_CHARS} characters`);
  const tokens = tokenize(query.normalize('NFC'), options.fields ?? []);
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at]!;
  const startsTerm = (t: Token) => t.kind === 'term' || t.kind === '(' || t.kind === 'NOT';

  const parseOr = (): SearchNode => {
    const children = [parseAnd()];
    while (peek().kind === 'OR') {
      at += 1;
      children.push(parseAnd('OR'));
    }
    return group('or', children);
  };

  const parseAnd = (after?: 'OR'): SearchNode => {
    const children = [parseUnary(after)];
    for (;;) {
      const t = peek();
      if (t.kind === 'AND') {
        at += 1;
        children.push(parseUnary('AND'));
      } else if (startsTerm(t)) children.push(parseUnary());
      else return group('and', children);
    }
  };

  // `after` is the operator before this term, to blame when there is no term.
  const parseUnary = (after?: 'AND' | 'OR'): SearchNode => {
    let nots = 0;
    while (peek().kind === 'NOT') {
      at += 1;
      nots += 1;
    }
    const t = tokens[at++]!;
    let node: SearchNode;
    if (t.kind === 'term') node = t.node;
    else if (t.kind === '(') {
      if (peek().kind === ')') throw new SearchQueryError('empty parentheses');
      if (peek().kind === 'end') throw new SearchQueryError('unbalanced parentheses');
      if (++depth > MAX_DEPTH) throw new SearchQueryError('parentheses nested too deeply');
      node = parseOr();
      depth -= 1;
      if (tokens[at++]!.kind !== ')') throw new SearchQueryError('unbalanced parentheses');
    } else if (nots) throw new SearchQueryError('NOT needs a term after it');
    else if (after) throw new SearchQueryError(`${after} needs a term on each side`);
    else if (t.kind === 'AND' || t.kind === 'OR') throw new SearchQueryError(`${t.kind} needs a term on each side`);
    else if (t.kind === ')') throw new SearchQueryError('unbalanced parentheses');
    else throw nothingToSearch();
    for (; nots > 0; nots -= 1) node = negate(node);
    return node;
  };

  if (peek().kind === 'end') throw nothingToSearch();
  const root = parseOr();
  if (peek().kind !== 'end') throw new SearchQueryError('unbalanced parentheses'); // only `)` is left over
  checkSearchable(root);
  checkSize(root);
  return root;
}

/** Throws when a query has more terms, or prefixes, than one search may cost. */
function checkSize(root: SearchNode): void {
  let terms = 0;
  let prefixes = 0;
  for (const stack = [root]; stack.length; ) {
    const node = stack.pop()!;
    if (node.kind === 'and' || node.kind === 'or') stack.push(...node.children);
    else if (node.kind === 'not') stack.push(node.child);
    else {
      terms += 1;
      if (node.kind === 'word' && node.prefix) prefixes += 1;
    }
  }
  if (prefixes > MAX_PREFIXES)
    throw new SearchQueryError(`too many prefix* terms: ${prefixes}, at most ${MAX_PREFIXES}`);
  if (terms > MAX_TERMS) throw new SearchQueryError(`too many terms: ${terms}, at most ${MAX_TERMS}`);
}

function tokenize(query: string, fields: readonly string[]): Token[] {
  const tokens: Token[] = [];
  const term = (words: string[], prefix = false) => {
    if (words.length === 1) tokens.push({ kind: 'term', node: { kind: 'word', text: words[0]!, prefix } });
    else if (words.length > 1) tokens.push({ kind: 'term', node: { kind: 'phrase', words } });
  };
  const wordsOf = (text: string) => (text.match(WORDS) ?? []).map((w) => w.toLowerCase());
  for (let i = 0; i < query.length; ) {
    const c = query[i]!;
    if (/\s/u.test(c)) i += 1;
    else if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i += 1;
    } else if (c === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) throw new SearchQueryError('a quote is not closed');
      term(wordsOf(query.slice(i + 1, close)));
      i = close + 1;
    } else if (c === '-' && i + 1 < query.length && !/[\s)]/u.test(query[i + 1]!)) {
      tokens.push({ kind: 'NOT' });
      i += 1;
    } else {
      let end = i + 1;
      while (end < query.length && !/[\s()"]/u.test(query[end]!)) end += 1;
      const chunk = query.slice(i, end);
      const field = /^([a-z]+):/.exec(chunk);
      if (field && fields.includes(field[1]!)) {
        const quoted = end === i + field[0].length && query[end] === '"' ? query.indexOf('"', end + 1) : -1;
        if (query[end] === '"' && quoted < 0) throw new SearchQueryError(`a quote is not closed (at ${end + 1})`);
        const value = quoted >= 0 ? query.slice(end + 1, quoted) : chunk.slice(field[0].length);
        if (!value.trim()) throw new SearchQueryError(`${field[0]} needs a value (at ${i + 1})`);
        tokens.push({ kind: 'term', node: { kind: 'field', field: field[1]!, value } });
        i = quoted >= 0 ? quoted + 1 : end;
        continue;
      }
      i = end;
      if (chunk === 'AND' || chunk === 'OR' || chunk === 'NOT') tokens.push({ kind: chunk });
      else {
        const prefix = PREFIX.exec(chunk);
        if (prefix) term([prefix[1]!.toLowerCase()], true);
        else term(wordsOf(chunk));
      }
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

/** An AND or OR of `children`, flattening nested ones of the same kind. */
function group(kind: 'and' | 'or', children: SearchNode[]): SearchNode {
  if (children.length === 1) return children[0]!;
  return { kind, children: children.flatMap((c) => (c.kind === kind ? c.children : [c])) };
}

/** NOT `node`, without a double negation: NOT NOT a is a, and NOT (NOT a AND NOT b) is a OR b. */
function negate(node: SearchNode): SearchNode {
  if (node.kind === 'not') return node.child;
  if (node.kind === 'and' && node.children.every((c) => c.kind === 'not')) {
    return group(
      'or',
      node.children.map((c) => (c as { child: SearchNode }).child),
    );
  }
  return { kind: 'not', child: node };
}

/** Whether every match must contain some positive term, i.e. the node is not "everything but …". */
function bounded(node: SearchNode): boolean {
  switch (node.kind) {
    case 'word':
    case 'phrase':
    case 'field':
      return true;
    case 'not':
      return false;
    case 'and':
      return node.children.some(bounded);
    case 'or':
      return node.children.every(bounded);
  }
}

/**
 * Throws unless the query can be written for both stores: it has something to search for, and each
 * NOT sits in an AND beside a positive term (the only place FTS5's binary NOT can say it).
 */
function checkSearchable(node: SearchNode, top = true): void {
  switch (node.kind) {
    case 'word':
    case 'phrase':
    case 'field':
      return;
    case 'not':
      if (top) throw nothingToSearch();
      if (!bounded(node.child)) throw new SearchQueryError('NOT needs something to exclude from');
      checkSearchable(node.child, false);
      return;
    case 'and':
      if (!node.children.some(bounded))
        throw top ? nothingToSearch() : new SearchQueryError('NOT needs something to exclude from');
      for (const c of node.children) checkSearchable(c, false);
      return;
    case 'or':
      if (!node.children.length) throw nothingToSearch();
      for (const c of node.children) {
        if (!bounded(c)) throw new SearchQueryError('NOT needs something to exclude from');
        checkSearchable(c, false);
      }
  }
}

/** A query a person typed, read as peers read it: what it searches for, and what it leaves out. */
export interface ForgivenSearch {
  /** A query parseSearch reads; none when the query only leaves things out. */
  query?: string;
  /** Queries whose matches are left out (`-word` alone: everything without it). */
  not: string[];
}

/**
 * The query as typed when parseSearch reads it. Otherwise, as Miniflux and FreshRSS read what
 * their syntax cannot: its words (a stray quote, parenthesis or operator is dropped), `-word`
 * terms leaving their word out, and a query of nothing but `-word` terms is everything without
 * them. Throws SearchQueryError only when no word is left at all.
 */
export function forgiveSearch(query: string): ForgivenSearch {
  try {
    parseSearch(query);
    return { query, not: [] };
  } catch (err) {
    if (!(err instanceof SearchQueryError)) throw err;
  }
  const hasWord = (text: string) => new RegExp(WORDS.source, 'u').test(text);
  // "NOT word" is "-word"; a stray AND or OR is dropped.
  const chunks = query
    .replace(/["()]/g, ' ')
    .replace(/\bNOT\s+/g, '-')
    .split(/\s+/)
    .filter((c) => c && !/^(?:AND|OR|NOT)$/.test(c));
  const positive = chunks.filter((c) => !c.startsWith('-') && hasWord(c));
  const negative = chunks.filter((c) => c.startsWith('-') && hasWord(c)).map((c) => c.replace(/^-+/, ''));
  if (positive.length) return { query: [...positive, ...negative.map((n) => `-${n}`)].join(' '), not: [] };
  if (negative.length) return { not: negative };
  throw nothingToSearch();
}

/** How long one search may run, in either store (issue 25: one ran 25 s). */
export const SEARCH_BUDGET_MS = 10_000;

/** What a search over its time budget says. */
export const searchTooSlow = (budgetMs: number) =>
  new SearchQueryError(`the search took longer than ${budgetMs / 1000} s; try fewer or longer words`);

const nothingToSearch = () => new SearchQueryError('nothing to search for: give at least one word');

const fts5String = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * An FTS5 MATCH expression for a parsed query. Every word and phrase is a quoted string, so nothing
 * the user typed is read as FTS5 syntax; FTS5's binary NOT renders an AND with negations as
 * `(positive parts) NOT (negated parts, OR-ed)`. Throws SearchQueryError for a tree parseSearch
 * would not have produced (a NOT with nothing to exclude from).
 */
export function toFts5(node: SearchNode): string {
  checkSearchable(node);
  const atom = (n: SearchNode) => n.kind === 'word' || n.kind === 'phrase';
  const grouped = (n: SearchNode): string => (atom(n) ? write(n) : `(${write(n)})`);
  const write = (n: SearchNode): string => {
    switch (n.kind) {
      case 'word':
        return fts5String(n.text) + (n.prefix ? '*' : '');
      case 'phrase':
        return fts5String(n.words.join(' '));
      case 'or':
        return n.children.map(grouped).join(' OR ');
      case 'and': {
        const positive = n.children.filter((c) => c.kind !== 'not');
        const negative = n.children.flatMap((c) => (c.kind === 'not' ? [c.child] : []));
        if (!negative.length) return positive.map(grouped).join(' AND ');
        const kept = positive.length === 1 ? grouped(positive[0]!) : `(${positive.map(grouped).join(' AND ')})`;
        const dropped = negative.length === 1 ? grouped(negative[0]!) : `(${negative.map(grouped).join(' OR ')})`;
        return `${kept} NOT ${dropped}`;
      }
      case 'not':
        throw new SearchQueryError('NOT needs something to exclude from'); // checkSearchable rules it out
      case 'field':
        throw fieldsAreForRules(n);
    }
  };
  return write(node);
}

/**
 * A word as PostgreSQL's index holds it: lowercased in every script (a database with the C locale
 * lowercases ASCII only), without the diacritics of Latin letters (São → sao), as FTS5's unicode61
 * tokenizer with remove_diacritics folds them.
 */
function searchForm(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
}

// What a tsvector can hold: positions up to 16383, 256 of them per word, words under 2 KB, 1 MB in all.
const MAX_POSITION = 16383;
const MAX_POSITIONS = 256;
const MAX_WORD = 2046;
const MAX_VECTOR = 512 * 1024;

/**
 * An article's tsvector, as text for `$1::tsvector`: the words of the title (weight A), then of the
 * text (B), split as parseSearch splits a query and in searchForm, each with its positions. One
 * position between the two parts is left empty, so a phrase never runs from the title into the
 * text. Not PostgreSQL's to_tsvector: its parser splits words otherwise (foo-bar is three
 * lexemes), and costs ten times as much.
 */
export function toTsvector(title: string, text: string): string {
  const positions = new Map<string, string[]>();
  let at = 0;
  let size = 0;
  const add = (part: string, weight: 'A' | 'B') => {
    for (const [word] of searchForm(part).matchAll(WORDS)) {
      at = Math.min(at + 1, MAX_POSITION);
      let list = positions.get(word);
      if (!list) {
        if (word.length > MAX_WORD / 3 && Buffer.byteLength(word) > MAX_WORD) continue;
        if ((size += word.length + 8) > MAX_VECTOR) continue;
        positions.set(word, (list = []));
      }
      if (list.length < MAX_POSITIONS) list.push(`${at}${weight}`);
    }
  };
  add(title, 'A');
  at += 1;
  add(text, 'B');
  return Array.from(positions, ([word, at]) => `'${word}':${at.join(',')}`).join(' ');
}

const lexeme = (text: string) => `'${searchForm(text).replace(/['\\]/g, (c) => c + c)}'`;

/**
 * Text for PostgreSQL's `$1::tsquery` (taken as it is, as toTsvector's vectors are): quoted lexemes in searchForm, `'word':*` for
 * prefixes, `('a' <-> 'b')` for phrases, `&`, `|` and `!`, parentheses for grouping. Accepts the same
 * trees as toFts5.
 */
export function toTsquery(node: SearchNode): string {
  checkSearchable(node);
  const grouped = (n: SearchNode): string => (n.kind === 'and' || n.kind === 'or' ? `(${write(n)})` : write(n));
  const write = (n: SearchNode): string => {
    switch (n.kind) {
      case 'word':
        return lexeme(n.text) + (n.prefix ? ':*' : '');
      case 'phrase':
        return `(${n.words.map(lexeme).join(' <-> ')})`;
      case 'and':
        return n.children.map(grouped).join(' & ');
      case 'or':
        return n.children.map(grouped).join(' | ');
      case 'not':
        return `!${grouped(n.child)}`;
      case 'field':
        throw fieldsAreForRules(n);
    }
  };
  return write(node);
}

const fieldsAreForRules = (n: { field: string }) =>
  new SearchQueryError(`${n.field}: is for keep and block rules, not for the stores' search`);

// For the keep and block rules, which match parsed queries against entries in memory the way the stores do.
export { searchForm, WORDS as SEARCH_WORDS };
