// Issue 20, point 11 (search): a stray quote gave an error page followed by "Nothing matches" and
// feed links for the unreadable query; `-word` alone was an error. Peers search the words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgiveSearch } from '../../src/store/search-query.js';
import { entry, startSite, type TestSite } from './site.js';

let site: TestSite;
beforeAll(async () => {
  site = await startSite('site: {title: T}\nsources:\n  - {name: desk, type: seeds, path: d}\n', {
    desk: [
      entry({
        identity: 'a',
        title: 'Foreign ministry summons envoy',
        content: '<p>The foreign ministry said so.</p>',
      }),
      entry({ identity: 'b', title: 'Trump rally in Ohio', content: '<p>Trump spoke.</p>' }),
      entry({ identity: 'c', title: 'Tram line opens', content: '<p>The tram runs.</p>' }),
    ],
  });
});
afterAll(() => site.close());

const titles = (html: string) => [...html.matchAll(/<h3><a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1]).sort();

describe('forgiving search on the site', () => {
  it('a stray quote searches the words', async () => {
    const res = await site.get('/search?q=%22foreign%20ministry');
    expect(res.statusCode).toBe(200);
    expect(titles(res.body)).toEqual(['Foreign ministry summons envoy']);
    expect(res.body).not.toContain('class="notice"');
  });

  it('a lone -word is everything without the word', async () => {
    const res = await site.get('/search?q=-trump');
    expect(titles(res.body)).toEqual(['Foreign ministry summons envoy', 'Tram line opens']);
    const feed = await site.get('/search.rss?q=-trump');
    expect(feed.statusCode).toBe(200);
    expect(feed.body.match(/<item>/g)).toHaveLength(2);
  });

  it('a query with no word at all says so, with no "Nothing matches" and no feed links', async () => {
    const res = await site.get('/search?q=%22%20%28');
    expect(res.body).toContain('class="notice"');
    expect(res.body).not.toContain('Nothing matches');
    expect(res.body).not.toMatch(/search\.(rss|atom|json)/);
  });
});

describe('forgiveSearch', () => {
  it.each([
    ['tram', { query: 'tram', not: [] }],
    ['"foreign ministry', { query: 'foreign ministry', not: [] }],
    ['tram "', { query: 'tram', not: [] }],
    ['(tram OR', { query: 'tram', not: [] }],
    ['-trump', { not: ['trump'] }],
    ['-trump -biden', { not: ['trump', 'biden'] }],
    ['NOT trump', { not: ['trump'] }],
    ['tram NOT', { query: 'tram', not: [] }],
    ['NOT', undefined],
  ])('%s', (q, expected) => {
    if (expected) expect(forgiveSearch(q)).toEqual(expected);
    else expect(() => forgiveSearch(q)).toThrow(/nothing to search for/);
  });
});
