import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SearchQueryError } from '../../src/errors.js';
import { parseSearch, toFts5, toTsquery, toTsvector, type SearchNode } from '../../src/store/search-query.js';

const w = (text: string, prefix = false): SearchNode => ({ kind: 'word', text, prefix });
const ph = (...words: string[]): SearchNode => ({ kind: 'phrase', words });
const and = (...children: SearchNode[]): SearchNode => ({ kind: 'and', children });
const or = (...children: SearchNode[]): SearchNode => ({ kind: 'or', children });
const not = (child: SearchNode): SearchNode => ({ kind: 'not', child });

function errorOf(query: string): string {
  try {
    parseSearch(query);
  } catch (err) {
    expect(err).toBeInstanceOf(SearchQueryError);
    return (err as Error).message;
  }
  throw new Error(`parsed ${JSON.stringify(query)}`);
}

describe('parseSearch', () => {
  it.each<[string, SearchNode]>([
    // words
    ['tram', w('tram')],
    ['Tram', w('tram')],
    ['  TRAM  ', w('tram')],
    ['and', w('and')],
    ['or not', and(w('or'), w('not'))],
    ['NEAR', w('near')],
    ['covid19', w('covid19')],
    ['2024', w('2024')],
    // Unicode
    ['São', w('são')],
    ['Sa\u0303o', w('são')], // NFC
    ['Пакистан', w('пакистан')],
    ['हिन्दी', w('हिन्दी')], // combining marks stay in the word
    ['東京', w('東京')],
    // phrases
    ['"foreign ministry"', ph('foreign', 'ministry')],
    ['"Foreign  Ministry said"', ph('foreign', 'ministry', 'said')],
    ['"tram"', w('tram')],
    ['"AND"', w('and')],
    ['"NOT bus"', ph('not', 'bus')],
    // quotes with special characters: nothing inside is syntax
    ['"a:b*"', ph('a', 'b')],
    ['"it\'s"', ph('it', 's')],
    ['"back\\\\slash"', ph('back', 'slash')],
    ['"(tram"', w('tram')],
    ['"tram OR (bus"', ph('tram', 'or', 'bus')],
    ['"" tram', w('tram')],
    ['"iran"*', w('iran')],
    // bare terms of several words are phrases; terms of no word are dropped
    ['foo-bar', ph('foo', 'bar')],
    ['a:b', ph('a', 'b')],
    ["don't", ph('don', 't')],
    ['title:tram', ph('title', 'tram')],
    ['^tram', w('tram')],
    ['a + b', and(w('a'), w('b'))],
    ['tram - bus', and(w('tram'), w('bus'))],
    ['tram & bus ...', and(w('tram'), w('bus'))],
    ['tram 🚋', w('tram')],
    // prefixes
    ['iran*', w('iran', true)],
    ['Iran**', w('iran', true)],
    ['Пак*', w('пак', true)],
    ['*iran', w('iran')],
    ['foo-bar*', ph('foo', 'bar')],
    ['ir*n', ph('ir', 'n')],
    // implicit and explicit AND
    ['tram bus', and(w('tram'), w('bus'))],
    ['tram AND bus', and(w('tram'), w('bus'))],
    ['tram AND bus metro', and(w('tram'), w('bus'), w('metro'))],
    ['"foreign ministry" AND iran*', and(ph('foreign', 'ministry'), w('iran', true))],
    // OR
    ['tram OR bus', or(w('tram'), w('bus'))],
    ['tram OR bus OR metro', or(w('tram'), w('bus'), w('metro'))],
    // NOT and -
    ['tram NOT bus', and(w('tram'), not(w('bus')))],
    ['tram AND NOT bus*', and(w('tram'), not(w('bus', true)))],
    ['tram -bus', and(w('tram'), not(w('bus')))],
    ['-bus tram', and(not(w('bus')), w('tram'))],
    ['tram -"bus lane"', and(w('tram'), not(ph('bus', 'lane')))],
    ['tram -(bus OR metro)', and(w('tram'), not(or(w('bus'), w('metro'))))],
    ['tram NOT(bus)', and(w('tram'), not(w('bus')))],
    ['tram-bus', ph('tram', 'bus')],
    ['tram --bus', and(w('tram'), w('bus'))],
    ['tram NOT NOT bus', and(w('tram'), w('bus'))],
    ['tram -(-bus -metro)', and(w('tram'), or(w('bus'), w('metro')))],
    // precedence: NOT, then AND, then OR
    ['a OR b c', or(w('a'), and(w('b'), w('c')))],
    ['a b OR c', or(and(w('a'), w('b')), w('c'))],
    ['a AND b OR c AND d', or(and(w('a'), w('b')), and(w('c'), w('d')))],
    ['a OR b -c', or(w('a'), and(w('b'), not(w('c'))))],
    ['NOT a b', and(not(w('a')), w('b'))],
    ['a -b OR c', or(and(w('a'), not(w('b'))), w('c'))],
    // parentheses
    ['(a OR b) c', and(or(w('a'), w('b')), w('c'))],
    ['a (b OR c)', and(w('a'), or(w('b'), w('c')))],
    ['((tram))', w('tram')],
    ['a (b c)', and(w('a'), w('b'), w('c'))],
    ['(a OR b) OR c', or(w('a'), w('b'), w('c'))],
    ['a (b -c)', and(w('a'), w('b'), not(w('c')))],
    ['(a -b) OR c', or(and(w('a'), not(w('b'))), w('c'))],
    ['tram(bus)', and(w('tram'), w('bus'))],
    ['(tram -)', w('tram')],
  ])('%j', (query, tree) => {
    expect(parseSearch(query)).toEqual(tree);
  });

  it.each([
    ['', 'nothing to search for: give at least one word'],
    ['   ', 'nothing to search for: give at least one word'],
    ['""', 'nothing to search for: give at least one word'],
    ['* & -', 'nothing to search for: give at least one word'],
    ['NOT bus', 'nothing to search for: give at least one word'],
    ['-bus', 'nothing to search for: give at least one word'],
    ['-a -b', 'nothing to search for: give at least one word'],
    ['-(a b)', 'nothing to search for: give at least one word'],
    ['(a', 'unbalanced parentheses'],
    ['a)', 'unbalanced parentheses'],
    [') a', 'unbalanced parentheses'],
    ['((a) OR b', 'unbalanced parentheses'],
    ['(', 'unbalanced parentheses'],
    ['a ()', 'empty parentheses'],
    ['"foreign ministry', 'a quote is not closed'],
    ['a "b" "c', 'a quote is not closed'],
    ['tram NOT', 'NOT needs a term after it'],
    ['tram -*', 'NOT needs a term after it'],
    ['tram AND NOT', 'NOT needs a term after it'],
    ['(tram NOT)', 'NOT needs a term after it'],
    ['tram NOT OR bus', 'NOT needs a term after it'],
    ['OR bus', 'OR needs a term on each side'],
    ['tram OR', 'OR needs a term on each side'],
    ['tram OR OR bus', 'OR needs a term on each side'],
    ['(tram OR) bus', 'OR needs a term on each side'],
    ['AND bus', 'AND needs a term on each side'],
    ['tram AND', 'AND needs a term on each side'],
    ['tram AND OR bus', 'AND needs a term on each side'],
    ['tram OR AND bus', 'OR needs a term on each side'],
    ['a OR NOT b', 'NOT needs something to exclude from'],
    ['a OR -b', 'NOT needs something to exclude from'],
    ['(-a) OR b', 'NOT needs something to exclude from'],
    ['a OR (-b -c)', 'NOT needs something to exclude from'],
    ['x -(a OR -b)', 'NOT needs something to exclude from'],
    [`${'('.repeat(200)}a${')'.repeat(200)}`, 'parentheses nested too deeply'],
  ])('refuses %j: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });

  // Issue 25: 602 prefixes took 25 s and blocked the server; an OR of 338 one-letter prefixes 6 s.
  it.each<[string, string, string]>([
    ['602 prefixes', 'a* '.repeat(602), 'too many prefix* terms: 602, at most 8'],
    [
      '338 ORed prefixes',
      Array.from({ length: 338 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}*`).join(' OR '),
      'too many prefix* terms: 338, at most 8',
    ],
    ['65 words', 'w '.repeat(65), 'too many terms: 65, at most 64'],
    ['16 KB', 'x'.repeat(16 * 1024 + 1), 'query too long: over 16384 characters'],
  ])('bounds the cost of a query: refuses %s', (_, query, message) => {
    expect(errorOf(query)).toBe(message);
  });

  it('accepts queries at the bounds', () => {
    expect(() => parseSearch('a* '.repeat(8) + 'w '.repeat(56))).not.toThrow();
  });

  it('reads a long chain of NOTs without recursion', () => {
    expect(parseSearch(`a ${'-'.repeat(10_001)}b`)).toEqual(and(w('a'), not(w('b'))));
  });
});

// query, toFts5, toTsquery
const EMITTED: [string, string, string][] = [
  ['tram', '"tram"', "'tram'"],
  ['Tram', '"tram"', "'tram'"],
  ['iran*', '"iran"*', "'iran':*"],
  ['"foreign ministry"', '"foreign ministry"', "('foreign' <-> 'ministry')"],
  ['tram bus', '"tram" AND "bus"', "'tram' & 'bus'"],
  ['tram OR bus', '"tram" OR "bus"', "'tram' | 'bus'"],
  ['tram AND NOT bus*', '"tram" NOT "bus"*', "'tram' & !'bus':*"],
  ['a b -c -d', '("a" AND "b") NOT ("c" OR "d")', "'a' & 'b' & !'c' & !'d'"],
  ['a OR b c', '"a" OR ("b" AND "c")', "'a' | ('b' & 'c')"],
  ['(a OR b) c', '("a" OR "b") AND "c"', "('a' | 'b') & 'c'"],
  ['a -(b OR c)', '"a" NOT ("b" OR "c")', "'a' & !('b' | 'c')"],
  ['(a -b) OR c', '("a" NOT "b") OR "c"', "('a' & !'b') | 'c'"],
  ['x -"foo bar"', '"x" NOT "foo bar"', "'x' & !('foo' <-> 'bar')"],
  ['(a OR b) -(c d)', '("a" OR "b") NOT ("c" AND "d")', "('a' | 'b') & !('c' & 'd')"],
  ['São Пакистан', '"são" AND "пакистан"', "'sao' & 'пакистан'"],
  ['"a:b*" it\'s', '"a b" AND "it s"', "('a' <-> 'b') & ('it' <-> 's')"],
  ['"foreign ministry" AND iran*', '"foreign ministry" AND "iran"*', "('foreign' <-> 'ministry') & 'iran':*"],
];

describe('toFts5 and toTsquery', () => {
  it.each(EMITTED)('%j', (query, fts5, tsquery) => {
    const tree = parseSearch(query);
    expect(toFts5(tree)).toBe(fts5);
    expect(toTsquery(tree)).toBe(tsquery);
  });

  it('quotes what a hand-built tree holds', () => {
    expect(toFts5(w('a"b'))).toBe('"a""b"');
    expect(toFts5(ph('say', '"hi"'))).toBe('"say ""hi"""');
    expect(toTsquery(w("It's\\", true))).toBe("'it''s\\\\':*");
    expect(toTsquery(ph('A', "b'c"))).toBe("('a' <-> 'b''c')");
  });

  it.each<[string, SearchNode]>([
    ['a lone NOT', not(w('a'))],
    ['an AND of NOTs', and(not(w('a')), not(w('b')))],
    ['a NOT inside an OR', or(w('a'), not(w('b')))],
  ])('both refuse %s', (_, tree) => {
    expect(() => toFts5(tree)).toThrow(SearchQueryError);
    expect(() => toTsquery(tree)).toThrow(SearchQueryError);
  });
});

describe('toFts5 against SQLite FTS5', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')`);
  const rows: [number, string, string][] = [
    [1, 'Tram line opens', 'The new tram runs every ten minutes'],
    [2, 'Bus lanes widened', 'A tram and a bus share the road'],
    [3, 'Iranian ambassador summoned', 'Talks in Islamabad'],
    [4, 'The foreign ministry said', 'No comment'],
    [5, 'Ministry of foreign affairs', 'Пакистан и Иран'],
    [6, 'São Paulo metro', 'Line 4 extension'],
    [7, "Weather: it's raining", 'The ratio a:b'],
  ];
  const insert = db.prepare('INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)');
  for (const row of rows) insert.run(...row);
  const match = db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').pluck();
  const find = (query: string) => match.all(toFts5(parseSearch(query))) as number[];

  it.each<[string, number[]]>([
    ['tram', [1, 2]],
    ['TRAM', [1, 2]],
    ['tram*', [1, 2]],
    ['tram AND NOT bus*', [1]],
    ['tram -bus', [1]],
    ['tram NOT bus', [1]],
    ['iran*', [3]],
    ['"foreign ministry"', [4]],
    ['foreign ministry', [4, 5]],
    ['tram OR bus', [1, 2]],
    ['(tram OR metro) NOT bus', [1, 6]],
    ['(tram OR metro) -line', [2]],
    ['foreign -(ministry said)', [5]],
    ['ministry -(-foreign -said)', [4, 5]],
    ['tram --bus', [2]],
    ['(tram -bus) OR ambassador', [1, 3]],
    ['São', [6]],
    ['sao', [6]],
    ['Пакистан', [5]],
    ['пак*', [5]],
    ['"a:b*"', [7]],
    ["it's", [7]],
    ['"AND"', [2]],
    ['and', [2]],
    ['NEAR', []],
    ['title:tram', []],
    ['{title}:tram', []],
    ['tram^', [1, 2]],
    ['"tram" + "line"', [1]],
  ])('%j finds %j', (query, ids) => {
    expect(find(query)).toEqual(ids);
  });

  it.each(EMITTED.map(([query, fts5]) => [query, fts5]))('%j: %s is valid FTS5', (_, fts5) => {
    expect(() => match.all(fts5)).not.toThrow();
  });

  it('every query parseSearch accepts is valid FTS5', () => {
    // Random queries over the language's pieces and FTS5's syntax characters, from a fixed seed.
    const pieces = [
      'tram',
      'bus*',
      '"a b"',
      '"x',
      'AND',
      'OR',
      'NOT',
      '-',
      '-c',
      '(',
      ')',
      '*',
      ':',
      '^',
      '+',
      'NEAR',
      '{title}:',
      "'",
      '\\',
      '""',
      'São',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let accepted = 0;
    for (let n = 0; n < 2000; n += 1) {
      const length = 1 + Math.floor(random() * 8);
      const query = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]!).join(
        random() < 0.7 ? ' ' : '',
      );
      let tree: SearchNode;
      try {
        tree = parseSearch(query);
      } catch (err) {
        expect(err, query).toBeInstanceOf(SearchQueryError);
        continue;
      }
      accepted += 1;
      const fts5 = toFts5(tree);
      expect(() => match.all(fts5), `${query} → ${fts5}`).not.toThrow();
      expect(() => toTsquery(tree), query).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(200);
  });
});

describe('toTsvector', () => {
  it('gives the title weight A, the text B, with one empty position between them', () => {
    expect(toTsvector('Tram line', 'The tram')).toBe("'tram':1A,5B 'line':2A 'the':4B");
  });

  it('splits and folds words as queries are split and folded', () => {
    expect(toTsvector('São foo-bar', 'ПАКИСТАН')).toBe("'sao':1A 'foo':2A 'bar':3A 'пакистан':5B");
    const query = toTsquery(parseSearch('"Sao foo-bar"'));
    expect(query).toBe("('sao' <-> 'foo' <-> 'bar')");
  });

  it('keeps within what a tsvector holds: 256 positions a word, positions up to 16383', () => {
    const vector = toTsvector('', `${'word '.repeat(300)}${'x '.repeat(20_000)}last`);
    expect(vector.match(/'word':([^ ]+)/)![1]!.split(',')).toHaveLength(256);
    expect(vector).toContain("'last':16383B");
  });
});
