// Keep and block rules (issue 24) in the search language, with its rule fields: matched in memory
// on normalized entries, per source and global, counted by refresh, shown by parse --json, and a
// rule that does not parse is a configuration error naming the source and the rule.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { Entry } from '../../src/model.js';
import { applyRules, judge, rulesOf } from '../../src/rules/rules.js';
import { parseSearch, toFts5 } from '../../src/store/search-query.js';
import { finished, runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore, freshStore } from '../stores.js';

const NOW = new Date('2024-03-10T12:00:00Z');
const entry = (over: Partial<Entry> = {}): Entry =>
  finished({
    identity: 'x',
    title: 'Trams return to São Paulo',
    link: 'https://news.example/world/trams?id=1',
    published: new Date('2024-03-09T12:00:00Z'),
    author: 'Ann Lee',
    summary: '',
    content: '<p>The city council voted for sponsored content today.</p>',
    tags: [
      { slug: 'transport', label: 'Transport' },
      { slug: 'latin-america', label: 'Latin America' },
    ],
    enclosures: [],
    ...over,
  });

function rules(block: string[], keep: string[] = []) {
  const config = parseConfig(
    `sources:\n  - {name: s, type: feed, url: "http://x.test/", block: ${JSON.stringify(block)}, keep: ${JSON.stringify(keep)}}\n`,
    '/tmp/t.yaml',
  );
  return rulesOf(config, config.sources[0]);
}

describe('a rule matches an entry as search would', () => {
  it.each([
    ['trams', true],
    ['tram*', true],
    ['"sponsored content"', true],
    ['"content sponsored"', false],
    ['sao', true], // Latin diacritics folded
    ['title:sponsored', false],
    ['title:"são paulo"', true],
    ['author:lee', true],
    ['author:bob', false],
    ['link:news.example', true],
    ['link:"world trams"', true],
    ['tag:transport', true],
    ['tag:"latin america"', true],
    ['tag:latin', false], // a whole tag, or its start with *
    ['tag:lat*', true],
    ['age:>12h', true],
    ['age:>2d', false],
    ['age:<2d', true],
    ['title:trams -author:ann', false],
    ['author:bob OR tag:transport', true],
    ['(title:boats OR link:world) council', true],
  ])('%s → %s', (query, expected) => {
    expect(judge(entry(), rules([query]), NOW).kept).toBe(!expected);
  });

  it('keep rules let in only what one of them matches; block rules win over keep rules', () => {
    const keep = rules([], ['tag:transport', 'author:bob']);
    expect(judge(entry(), keep, NOW)).toMatchObject({
      kept: true,
      rule: { kind: 'keep', query: 'tag:transport', at: 'sources[0](s).keep[0]' },
    });
    expect(judge(entry({ tags: [] }), keep, NOW)).toMatchObject({ kept: false, noKeepMatched: true });
    expect(judge(entry(), rules(['sponsored'], ['tag:transport']), NOW)).toMatchObject({
      kept: false,
      rule: { kind: 'block', at: 'sources[0](s).block[0]' },
    });
    const { kept, leftOut } = applyRules([entry(), entry({ identity: 'y', tags: [] })], keep, NOW);
    expect([kept.map((e) => e.identity), leftOut]).toEqual([['x'], 1]);
  });

  it('global rules apply beside the source’s own', () => {
    const config = parseConfig(
      `rules: {block: "author:ann"}\nsources:\n  - {name: s, type: feed, url: "http://x.test/"}\n`,
      '/tmp/t.yaml',
    );
    expect(judge(entry(), rulesOf(config, config.sources[0]), NOW)).toMatchObject({
      kept: false,
      rule: { at: 'rules.block[0]' },
    });
  });

  it('fields are read only in rules: search keeps title:tram a phrase, and its stores refuse a field', () => {
    expect(parseSearch('title:tram')).toEqual({ kind: 'phrase', words: ['title', 'tram'] });
    expect(() => toFts5(parseSearch('title:tram', { fields: ['title'] }))).toThrow(
      /title: is for keep and block rules/,
    );
  });

  it.each([
    [
      'title:"tram',
      /sources\[0\]\(s\)\.block\[0\]: the rule "title:\\"tram" does not parse: a quote is not closed \(at 7\)/,
    ],
    ['a OR', /sources\[0\]\(s\)\.block\[0\]: .*OR needs a term on each side/],
    ['age:old', /age:old is not an age such as age:>30d/],
    ['NOT x', /nothing to search for/],
  ])('%s is a configuration error naming the source and the rule', (query, message) => {
    expect(() => rules([query])).toThrow(message);
  });
});

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><link>https://n.example/</link><description>d</description>
<item><title>Trams return</title><link>https://n.example/1</link><guid>1</guid><pubDate>Sat, 09 Mar 2024 10:00:00 GMT</pubDate><description>Trams are back.</description></item>
<item><title>Sponsored: buy trams</title><link>https://n.example/2</link><guid>2</guid><pubDate>Sat, 09 Mar 2024 11:00:00 GMT</pubDate><description>An advert.</description></item>
<item><title>Boats</title><link>https://n.example/3</link><guid>3</guid><pubDate>Sat, 09 Mar 2024 12:00:00 GMT</pubDate><description>Sponsored content about boats.</description></item>
</channel></rss>`;

describe('through the CLI', () => {
  function site(sourceExtra: string, top = '') {
    const dir = tempDir();
    writeTree(dir, {
      'tidings.yaml': `${top}sources:\n  - {name: news, type: file, path: news.xml${sourceExtra}}\n`,
      'news.xml': RSS,
    });
    const cli = (...args: string[]) =>
      runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
    return { dir, cli };
  }

  it('refresh leaves out what the rules block, says how many, and stores none of it', async () => {
    const { cli } = site(', block: ["title:sponsored"]', 'rules: {block: ["boats"]}\n');
    const run = await cli('refresh');
    expect(run.out).toMatch(/^news: 1 new, 0 updated, 0 unchanged, 2 left out by rules$/m);
    const articles = (await cli('articles', '--json')).out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string });
    expect(articles.map((a) => a.title)).toEqual(['Trams return']);
    expect(JSON.parse((await cli('refresh', '--json')).out)).toMatchObject({ leftOutByRules: 0 }); // the same bytes: not read again
    // sources list keeps the last read's count
    expect(JSON.parse((await cli('sources', 'list', '--json')).out)[0]).toMatchObject({
      name: 'news',
      leftOutByRules: 2,
    });
    expect((await cli('sources', 'list')).out).toMatch(/^news .*, 2 left out by rules at the last read/m);
  });

  it('parse --json shows which rule matched each entry', async () => {
    const { dir, cli } = site(', keep: ["trams"], block: ["title:sponsored"]');
    const run = await cli('parse', '--json', join(dir, 'news.xml'));
    const { articles } = JSON.parse(run.out) as { articles: { title: string; rules: unknown }[] };
    expect(articles.map((a) => [a.title, a.rules])).toEqual([
      ['Trams return', { kept: true, rule: 'keep: trams', at: 'sources[0](news).keep[0]' }],
      ['Sponsored: buy trams', { kept: false, rule: 'block: title:sponsored', at: 'sources[0](news).block[0]' }],
      ['Boats', { kept: false, rule: null, at: 'no keep rule matched' }],
    ]);
  });

  it('a rule that does not parse stops the command with a one-line configuration error', async () => {
    const { dir, cli } = site(', block: ["ok", "a OR"]');
    const run = await cli('refresh');
    expect(run.code).toBe(2);
    expect(run.err.trim()).toBe(
      `error: ${join(dir, 'tidings.yaml')}: sources[0](news).block[1]: the rule "a OR" does not parse: OR needs a term on each side`,
    );
  });
});

forEachStore((kind) => {
  it('the store keeps how many entries the rules left out at the last read', async () => {
    const store = await freshStore(kind);
    try {
      const now = new Date();
      await store.upsertSource({ name: 'news', type: 'feed', location: 'http://x.test/' }, now, 0);
      await store.recordSuccess('news', now, { status: 200, leftOutByRules: 3 });
      expect((await store.fetchState('news'))?.leftOutByRules).toBe(3);
      await store.recordSuccess('news', now, { status: 304 }); // nothing read: the count stays
      expect((await store.fetchState('news'))?.leftOutByRules).toBe(3);
      await store.recordSuccess('news', now, { status: 200, leftOutByRules: 0 });
      expect((await store.fetchState('news'))?.leftOutByRules).toBe(0);
    } finally {
      await store.close();
    }
  });
});
