// Keep and block rules (issue 24), written in the search language of /search and `articles --search`
// with a few fields more: title:, author:, link:, tag:, age:. A rule is matched in memory against a
// normalized entry, after normalizing and before storing, as the stores would match the query:
// words NFC, lowercased, Latin diacritics folded. A block rule that matches leaves the entry out;
// where keep rules exist, an entry none of them matches is left out too. Global rules (`rules:`)
// apply to every source, beside the source's own.
import type { Config, Source } from '../config/schema.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { Entry } from '../model.js';
import { parseSearch, SEARCH_WORDS, searchForm, type SearchNode } from '../store/search-query.js';

const RULE_FIELDS = ['title', 'author', 'link', 'tag', 'age'] as const;

export interface Rule {
  kind: 'keep' | 'block';
  /** As written in the configuration. */
  query: string;
  /** Where it is written: `rules.block[0]`, `sources[2].keep[1]`. */
  at: string;
  node: SearchNode;
}

/** Why an entry is left out, or the keep rule that let it in. */
export interface Verdict {
  kept: boolean;
  rule?: Rule;
  /** Left out because keep rules exist and none matched. */
  noKeepMatched?: boolean;
}

const AGE = /^([<>])?(\d+(?:\.\d+)?)(m|h|d|w)$/;
const AGE_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Checks the values parseSearch leaves as written (an age must be a duration). */
function checkFields(node: SearchNode): void {
  if (node.kind === 'field' && node.field === 'age' && !AGE.test(node.value.trim()))
    throw new Error(`age:${node.value} is not an age such as age:>30d or age:<12h`);
  if (node.kind === 'and' || node.kind === 'or') node.children.forEach(checkFields);
  if (node.kind === 'not') checkFields(node.child);
}

function compile(kind: Rule['kind'], queries: readonly string[] | undefined, at: string, file: string): Rule[] {
  return (queries ?? []).map((query, i) => {
    const where = `${at}${kind}[${i}]`;
    try {
      const node = parseSearch(query, { fields: RULE_FIELDS });
      checkFields(node);
      return { kind, query, at: where, node };
    } catch (err) {
      throw new ConfigError(
        `${file}: ${where}: the rule ${JSON.stringify(query)} does not parse: ${errorMessage(err)}`,
      );
    }
  });
}

/** A source's rules and the global ones, compiled; throws a ConfigError naming the file, the source and the rule. */
export function rulesOf(config: Pick<Config, 'rules' | 'sources' | 'file'>, source?: Source): Rule[] {
  const own: { keep?: readonly string[]; block?: readonly string[] } = !source || source.type === 'seeds' ? {} : source;
  const at = source ? `sources[${config.sources.indexOf(source)}](${source.name}).` : '';
  return [
    ...compile('block', own.block, at, config.file),
    ...compile('block', config.rules.block, 'rules.', config.file),
    ...compile('keep', own.keep, at, config.file),
    ...compile('keep', config.rules.keep, 'rules.', config.file),
  ];
}

/** The configuration, once every rule in it parses; else throws the first that does not (for loading one). */
export function checkRules<C extends Pick<Config, 'rules' | 'sources' | 'file'>>(config: C): C {
  for (const source of config.sources) rulesOf(config, source);
  return config;
}

/** An entry's words, per field, as the stores index them. */
interface Words {
  all: string[];
  title: string[];
  author: string[];
  link: string[];
  tag: string[][];
}

const wordsOf = (text: string | undefined) => [...searchForm(text ?? '').matchAll(SEARCH_WORDS)].map((m) => m[0]);

function hasSequence(words: readonly string[], want: readonly string[], prefix: boolean): boolean {
  if (!want.length) return false;
  for (let i = 0; i + want.length <= words.length; i += 1) {
    if (want.every((w, j) => (prefix && j === want.length - 1 ? words[i + j]!.startsWith(w) : words[i + j] === w)))
      return true;
  }
  return false;
}

function isOlder(entry: Entry, value: string, now: Date): boolean {
  const [, sign, n, unit] = AGE.exec(value.trim())!;
  const age = now.getTime() - entry.published.getTime();
  const limit = Number(n) * AGE_UNITS[unit!]!;
  return sign === '<' ? age < limit : age > limit;
}

function matchField(node: Extract<SearchNode, { kind: 'field' }>, words: Words, entry: Entry, now: Date): boolean {
  if (node.field === 'age') return isOlder(entry, node.value, now);
  const prefix = /\*$/.test(node.value.trim());
  const want = wordsOf(node.value);
  // A whole tag (its slug or its label), or its start with a `*`.
  if (node.field === 'tag')
    return words.tag.some(
      (tag) => (prefix || tag.length === want.length) && hasSequence(tag.slice(0, want.length), want, prefix),
    );
  return hasSequence(words[node.field as 'title' | 'author' | 'link'], want, prefix);
}

function matches(node: SearchNode, words: Words, entry: Entry, now: Date): boolean {
  switch (node.kind) {
    case 'word':
      return hasSequence(words.all, [searchForm(node.text)], node.prefix);
    case 'phrase':
      return hasSequence(words.all, node.words.map(searchForm), false);
    case 'field':
      return matchField(node, words, entry, now);
    case 'and':
      return node.children.every((c) => matches(c, words, entry, now));
    case 'or':
      return node.children.some((c) => matches(c, words, entry, now));
    case 'not':
      return !matches(node.child, words, entry, now);
  }
}

/** What the rules say of one entry: block rules first, then keep rules. */
export function judge(entry: Entry, rules: readonly Rule[], now: Date): Verdict {
  if (!rules.length) return { kept: true };
  const title = wordsOf(entry.title);
  const words: Words = {
    title,
    // Search indexes the title and the text, a gap between them (a phrase never spans the two).
    all: [...title, '', ...wordsOf(entry.text)],
    author: wordsOf(entry.author),
    link: wordsOf(entry.link),
    tag: entry.tags.flatMap((t) => [wordsOf(t.slug), wordsOf(t.label)]),
  };
  const block = rules.find((r) => r.kind === 'block' && matches(r.node, words, entry, now));
  if (block) return { kept: false, rule: block };
  const keeps = rules.filter((r) => r.kind === 'keep');
  if (!keeps.length) return { kept: true };
  const keep = keeps.find((r) => matches(r.node, words, entry, now));
  return keep ? { kept: true, rule: keep } : { kept: false, noKeepMatched: true };
}

/** The entries the rules keep, and how many they left out. */
export function applyRules(
  entries: readonly Entry[],
  rules: readonly Rule[],
  now: Date,
): { kept: Entry[]; leftOut: number } {
  if (!rules.length) return { kept: [...entries], leftOut: 0 };
  const kept = entries.filter((e) => judge(e, rules, now).kept);
  return { kept, leftOut: entries.length - kept.length };
}

/** A verdict as `parse --json` shows it. */
export function describeVerdict(verdict: Verdict): { kept: boolean; rule: string | null; at: string | null } {
  if (verdict.noKeepMatched) return { kept: false, rule: null, at: 'no keep rule matched' };
  return {
    kept: verdict.kept,
    rule: verdict.rule ? `${verdict.rule.kind}: ${verdict.rule.query}` : null,
    at: verdict.rule?.at ?? null,
  };
}
