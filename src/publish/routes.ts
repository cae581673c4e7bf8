// The site's one route table: what each path of the site names (a typed Route) and the path of
// each Route. `tidings build` names its files with it, the pages and feeds link with it, and the
// server reads requests with it, so that a path is spelled in one place. A site path is a file's
// name ("tags/x/page/2.html", "all.rss"), with a query for searches and filtered feeds
// ("search.html?q=tram", "all.atom?tag=a,b"); a request path is what readers type, with the short
// forms a server answers too ("/", "/tags/x", "/page/2", "/search", "/favicon.ico").
import { slugify } from '../lib/text.js';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** The lists of articles: the site's, a tag's, a source's, a search's, and an event's reports. */
export type List = 'all' | 'tags' | 'sources' | 'search' | 'events';

/** A query on a list: ?q=…&tag=a,b&source=x&not=word (a search page's number is its route's). */
export interface SiteQuery {
  q?: string;
  tags: string[];
  source?: string;
  not: string[];
}

export type Route =
  | { kind: 'opml' | 'tags' | 'sources' | 'missing' }
  | { kind: 'asset'; name: 'style.css' | 'favicon.svg' }
  | { kind: 'article'; id: string }
  | { kind: 'page'; list: List; key: string; page: number; query?: SiteQuery }
  | { kind: 'feed'; list: List; key: string; format: FeedFormat; query?: SiteQuery };

/** The page any address the site does not have gets, with status 404 (static hosts serve it so too). */
export const NOT_FOUND = '404.html';

/** The files that are one of their kind, by name. */
const FIXED: Record<string, Route> = {
  'subscriptions.opml': { kind: 'opml' },
  'tags.html': { kind: 'tags' },
  'sources.html': { kind: 'sources' },
  [NOT_FOUND]: { kind: 'missing' },
  'style.css': { kind: 'asset', name: 'style.css' },
  'favicon.svg': { kind: 'asset', name: 'favicon.svg' },
};

const ARTICLE_ID = /^[0-9a-f]{1,64}$/;
const EVENT_ID = /^[0-9a-f]{16}$/;
const PAGE_NUMBER = /^[1-9]\d{0,5}$/;
/** What a request may leave out: ".html", and the names of the home page and of the icon browsers ask for. */
const SHORT = new Map([
  ['', 'index.html'],
  ['favicon.ico', 'favicon.svg'],
]);
const HAS_EXTENSION = /\.(html|rss|atom|json)$/;

// ---- Writing ----

/** A list's path without extension, as its feeds are named: "all", "search", "tags/x", "events/ID". */
export const listPath = (list: List, key: string): string =>
  list === 'all' || list === 'search' ? list : `${list}/${key}`;

/** A feed of a list, by the list's path ("tags/x" → "tags/x.rss"). */
export const feedPath = (path: string, format: FeedFormat): string => `${path}.${format}`;

/** Page `page` of a list ("index.html", "page/2.html", "tags/x/page/3.html"; a search's number is in its query). */
export function pagePath(list: List, key: string, page = 1): string {
  if (list === 'search') return 'search.html';
  if (list === 'all') return page === 1 ? 'index.html' : `page/${page}.html`;
  return page === 1 ? `${list}/${key}.html` : `${list}/${key}/page/${page}.html`;
}

export const articlePath = (id: string): string => `articles/${id}.html`;

/** The search form's action: the search page's short address, which readers see (/search?q=tram); only the daemon answers it. */
export const SEARCH_ACTION = 'search';

/** The site path of a route: the file `tidings build` writes, with the canonical query of a search or filter. */
export function routePath(route: Route): string {
  switch (route.kind) {
    case 'asset':
      return route.name;
    case 'article':
      return articlePath(route.id);
    case 'page':
      return (
        pagePath(route.list, route.key, route.page) +
        (route.list === 'search' ? queryString(route.query, route.page) : '')
      );
    case 'feed':
      return feedPath(listPath(route.list, route.key), route.format) + queryString(route.query);
    default:
      return Object.keys(FIXED).find((name) => FIXED[name]!.kind === route.kind)!;
  }
}

/** The canonical query string ("?q=tram&tag=a,b"), with a search page's number past the first: one cache entry per query. */
export function queryString(query: SiteQuery | undefined, page = 1): string {
  const params = new URLSearchParams();
  if (query?.q) params.set('q', query.q);
  if (query?.tags.length) params.set('tag', query.tags.join(','));
  if (query?.source) params.set('source', query.source);
  if (query?.not.length) params.set('not', query.not.join(','));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

// ---- Parsing ----

const MAX_TERMS = 20;
const listOf = (params: URLSearchParams, key: string) =>
  params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .slice(0, MAX_TERMS);

/** A URL's query in one canonical form (undefined when it names nothing) and its page; 'bad' for a page number that is not one. */
function parseQuery(search: string): { query?: SiteQuery; page: number } | 'bad' {
  const params = new URLSearchParams(search);
  const page = params.get('page');
  if (page !== null && !PAGE_NUMBER.test(page)) return 'bad';
  // A tag by its slug or by its label as pages show it (?tag=Europe, ?tag=World%20news).
  const tags = listOf(params, 'tag').map((t) => slugify(t) || t);
  const query: SiteQuery = {
    q: params.get('q')?.trim() || undefined,
    tags: [...new Set(tags)].sort(),
    source: params.get('source')?.trim() || undefined,
    not: [...new Set(listOf(params, 'not'))].sort(),
  };
  const names = query.q || query.tags.length || query.source || query.not.length;
  return { query: names ? query : undefined, page: page ? Number(page) : 1 };
}

/** Whether a route takes a query: the feeds narrowed by one, and the search page. */
const takesQuery = (route: Route): route is Extract<Route, { kind: 'feed' | 'page' }> =>
  route.kind === 'feed' || (route.kind === 'page' && route.list === 'search');

/** A route with the query of its URL: a feed's filter, a search's words and page; other routes ignore theirs. */
export function withQuery(route: Route, search: string): Route | 'bad' {
  if (!takesQuery(route)) return route;
  const parsed = parseQuery(search);
  if (parsed === 'bad') return 'bad';
  const { query, page } = parsed;
  const { query: _, ...bare } = route;
  if (bare.kind === 'feed') return query ? { ...bare, query } : bare;
  return query ? { ...bare, page, query } : { ...bare, page };
}

/** The route a site path names (a file's name, with a query where one belongs); undefined for none. */
export function parseRoute(path: string): Route | undefined {
  const mark = path.indexOf('?');
  const route = parseBare(mark < 0 ? path : path.slice(0, mark));
  if (!route || mark < 0) return route;
  // Only searches and feeds take a query; a page of a river is a path of its own.
  const queried = takesQuery(route) ? withQuery(route, path.slice(mark + 1)) : undefined;
  return queried === 'bad' ? undefined : queried;
}

/** A keyed list ("tags/x", "sources/x", "events/ID") from its path's two segments. */
function keyed(
  list: string | undefined,
  key: string | undefined,
): { list: 'tags' | 'sources' | 'events'; key: string } | undefined {
  if (!key) return undefined;
  if (list === 'tags' || list === 'sources' || (list === 'events' && EVENT_ID.test(key))) return { list, key };
  return undefined;
}

function parseBare(path: string): Route | undefined {
  if (Object.hasOwn(FIXED, path)) return FIXED[path];
  const dot = path.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const [base, ext] = [path.slice(0, dot), path.slice(dot + 1)];
  const [head, ...rest] = base.split('/');
  if (head === 'articles') {
    return ext === 'html' && rest.length === 1 && ARTICLE_ID.test(rest[0]!)
      ? { kind: 'article', id: rest[0]! }
      : undefined;
  }
  if ((FEED_FORMATS as readonly string[]).includes(ext)) {
    const format = ext as FeedFormat;
    if ((base === 'all' || base === 'search') && !rest.length) return { kind: 'feed', list: base, key: '', format };
    const list = rest.length === 1 ? keyed(head, rest[0]) : undefined;
    return list && { kind: 'feed', ...list, format };
  }
  if (ext !== 'html') return undefined;
  if (base === 'index') return { kind: 'page', list: 'all', key: '', page: 1 };
  if (base === 'search') return { kind: 'page', list: 'search', key: '', page: 1 };
  // page/1.html is index.html, tags/x/page/1.html is tags/x.html: one address for each page.
  const segments = base.split('/');
  const numbered = segments.at(-2) === 'page' && PAGE_NUMBER.test(segments.at(-1)!) && segments.at(-1) !== '1';
  const page = numbered ? Number(segments.at(-1)) : 1;
  const named = numbered ? segments.slice(0, -2) : segments;
  if (numbered && !named.length) return { kind: 'page', list: 'all', key: '', page };
  const list = named.length === 2 ? keyed(named[0], named[1]) : undefined;
  return list && { kind: 'page', ...list, page };
}

/**
 * The route a request's path (decoded, without its query) names: a site path with or without
 * ".html", and the short forms people type ("/", "/page/2", "/tags", "/search", "/favicon.ico").
 * The 404 page is no address of its own.
 */
export function requestRoute(urlPath: string): Route | undefined {
  if (!urlPath.startsWith('/') || urlPath.includes('?')) return undefined;
  const path = urlPath.slice(1);
  if (path === 'index' || path === NOT_FOUND) return undefined;
  const named = HAS_EXTENSION.test(path) || Object.hasOwn(FIXED, path) ? path : `${path}.html`;
  return parseBare(SHORT.get(path) ?? named);
}
