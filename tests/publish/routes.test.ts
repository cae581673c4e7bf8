// The route table: each site path is read into a route and written back as it was, each route
// written and read back as it was; requests in their short forms name the same routes; and what
// is no route (a second address for a page, a path out of the site) is read as none.
import { describe, expect, it } from 'vitest';
import { parseRoute, requestRoute, routePath, SEARCH_ACTION, withQuery, type Route } from '../../src/publish/routes.js';

const EVENT = '0123456789abcdef';
const query = { q: 'tram', tags: ['local', 'transit'], not: ['bus'] };

/** One canonical site path of every kind of route, and the route it names. */
const ROUTES: [string, Route][] = [
  ['index.html', { kind: 'page', list: 'all', key: '', page: 1 }],
  ['page/3.html', { kind: 'page', list: 'all', key: '', page: 3 }],
  ['tags/são-paulo.html', { kind: 'page', list: 'tags', key: 'são-paulo', page: 1 }],
  ['tags/node.js/page/2.html', { kind: 'page', list: 'tags', key: 'node.js', page: 2 }],
  ['sources/wire.html', { kind: 'page', list: 'sources', key: 'wire', page: 1 }],
  ['sources/wire/page/12.html', { kind: 'page', list: 'sources', key: 'wire', page: 12 }],
  [`events/${EVENT}.html`, { kind: 'page', list: 'events', key: EVENT, page: 1 }],
  [`events/${EVENT}/page/2.html`, { kind: 'page', list: 'events', key: EVENT, page: 2 }],
  ['search.html', { kind: 'page', list: 'search', key: '', page: 1 }],
  ['search.html?q=tram&tag=local%2Ctransit&not=bus&page=2', { kind: 'page', list: 'search', key: '', page: 2, query }],
  ['all.rss', { kind: 'feed', list: 'all', key: '', format: 'rss' }],
  [
    'all.atom?tag=local%2Ctransit',
    { kind: 'feed', list: 'all', key: '', format: 'atom', query: { tags: ['local', 'transit'], not: [] } },
  ],
  [
    'search.json?q=tram&source=wire',
    { kind: 'feed', list: 'search', key: '', format: 'json', query: { q: 'tram', tags: [], source: 'wire', not: [] } },
  ],
  ['tags/local.atom', { kind: 'feed', list: 'tags', key: 'local', format: 'atom' }],
  [
    'sources/wire.json?not=bus',
    { kind: 'feed', list: 'sources', key: 'wire', format: 'json', query: { tags: [], not: ['bus'] } },
  ],
  [`events/${EVENT}.rss`, { kind: 'feed', list: 'events', key: EVENT, format: 'rss' }],
  ['articles/b33669b611a1e547.html', { kind: 'article', id: 'b33669b611a1e547' }],
  ['tags.html', { kind: 'tags' }],
  ['sources.html', { kind: 'sources' }],
  ['subscriptions.opml', { kind: 'opml' }],
  ['404.html', { kind: 'missing' }],
  ['style.css', { kind: 'asset', name: 'style.css' }],
  ['favicon.svg', { kind: 'asset', name: 'favicon.svg' }],
];

describe('the route table', () => {
  it.each(ROUTES)('reads %s into its route and writes it back', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    expect(routePath(route)).toBe(path);
    expect(parseRoute(routePath(route))).toEqual(route);
  });

  it('covers every kind of route and every list', () => {
    const kinds = new Set(
      ROUTES.map(([, r]) => (r.kind === 'page' || r.kind === 'feed' ? `${r.kind}:${r.list}` : r.kind)),
    );
    expect([...kinds].sort()).toEqual(
      [
        'article',
        'asset',
        'feed:all',
        'feed:events',
        'feed:search',
        'feed:sources',
        'feed:tags',
        'missing',
        'opml',
        'page:all',
        'page:events',
        'page:search',
        'page:sources',
        'page:tags',
        'sources',
        'tags',
      ].sort(),
    );
  });

  it('reads a query however its URL spells it, and writes it in one form', () => {
    const route = parseRoute('all.rss?not=bus&tag=Transit&tag=local,transit&q=+tram+');
    expect(route).toEqual({ kind: 'feed', list: 'all', key: '', format: 'rss', query });
    expect(routePath(route!)).toBe('all.rss?q=tram&tag=local%2Ctransit&not=bus');
  });

  it('gives each page one address, and no route to what is none', () => {
    const none = [
      'page/1.html', // index.html
      'tags/x/page/1.html', // tags/x.html
      'page/0.html',
      'page/1234567.html',
      'all.html',
      'tags/.html',
      'tags/a/b.html',
      'tags/x.css',
      'events/not-an-event.html',
      'articles/../x.html',
      'articles/ABC.html',
      'articles/a/b.html',
      'index.html?q=tram', // only searches and feeds take a query
      'search.html?page=abc',
      'style.css?v=2',
      '',
      'tags',
    ];
    expect(none.filter((path) => parseRoute(path) !== undefined)).toEqual([]);
  });
});

describe('a request path', () => {
  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/page/2', 'page/2.html'],
    ['/tags', 'tags.html'],
    ['/sources.html', 'sources.html'],
    ['/search', 'search.html'],
    [`/${SEARCH_ACTION}`, 'search.html'],
    ['/tags/node.js', 'tags/node.js.html'],
    ['/tags/x/page/2', 'tags/x/page/2.html'],
    ['/tags/x.rss', 'tags/x.rss'],
    [`/events/${EVENT}`, `events/${EVENT}.html`],
    ['/articles/b33669b611a1e547', 'articles/b33669b611a1e547.html'],
    ['/favicon.ico', 'favicon.svg'],
    ['/style.css', 'style.css'],
    ['/subscriptions.opml', 'subscriptions.opml'],
  ])('%s names the route of %s', (request, path) => {
    expect(requestRoute(request)).toEqual(parseRoute(path));
  });

  it('names nothing for the 404 page, a second home page, or a path no file has', () => {
    for (const path of [
      '/404.html',
      '/index',
      '/page/1',
      '/all',
      '/tags/x/y',
      '/tags/a?b',
      'index.html',
      '//tags',
      '/constructor',
      '/__proto__',
    ]) {
      expect(requestRoute(path), path).toBeUndefined();
    }
  });

  it('takes a query on feeds and the search page only', () => {
    const search = requestRoute('/search')!;
    expect(withQuery(search, 'q=tram&page=2')).toEqual({
      kind: 'page',
      list: 'search',
      key: '',
      page: 2,
      query: { q: 'tram', tags: [], not: [] },
    });
    expect(withQuery(search, 'page=x')).toBe('bad');
    // A feed is one file whatever page is asked: no page of its own.
    expect(withQuery(requestRoute('/all.rss')!, 'page=2')).toEqual({
      kind: 'feed',
      list: 'all',
      key: '',
      format: 'rss',
    });
    expect(withQuery(requestRoute('/tags')!, 'q=tram')).toEqual({ kind: 'tags' });
  });
});
