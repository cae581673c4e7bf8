// The published site's parts: which feeds there are (site, tags, sources, searches), what a path
// names, and each file rendered from the articles and facts it is handed. It never reads the store.
import { siteBaseUrl, type Config, type Source } from '../config/schema.js';
import { slugify } from '../lib/text.js';
import type { Logger } from '../log.js';
import type { Article } from '../model.js';
import { CONTENT_TYPES, FEED_FORMATS, renderFeed, type FeedFormat, type FeedSpec, type SiteInfo } from './feeds.js';
import { renderArticlePage, type Here, type Story } from './html.js';
import { feedOutlines, renderOpml } from './opml.js';
import { renderNotFoundPage, renderRiverPage, renderSourcesPage, renderTagsPage, type RiverPage, type SourceListing, type TagListing } from './pages.js';
import { FAVICON, STYLESHEET } from './style.js';

export interface SiteFile {
  type: string;
  body: string;
  /** The newest article in it, for Last-Modified. */
  modified: Date;
  /** A page of a river with older stories after it: the next page's site path. */
  next?: string;
}

/** How the site is rendered: where feeds point (baseUrl), and whether pages offer a search (the daemon's do). */
export interface RenderOptions {
  /** The address the daemon listens on, which baseUrl follows when the configuration names none. */
  listening?: string;
  search?: boolean;
}

export function siteInfo(config: Config, options: RenderOptions = {}): SiteInfo {
  const { site } = config;
  return { baseUrl: siteBaseUrl(site, options.listening), title: site.title, language: site.language, hubs: config.websub?.hubs, search: options.search, timezone: site.timezone };
}

/** A source's name on pages and feeds: its configured title, else what its feed calls itself, else its name. */
export function sourceTitle(source: Source, feedTitle?: string): string {
  return source.title ?? feedTitle ?? source.name;
}

export const siteSpec = (config: Config): FeedSpec => ({ path: 'all', page: '', title: config.site.title, description: config.site.description });

export const tagSpec = (config: Config, tag: { slug: string; label: string }): FeedSpec => ({
  path: `tags/${tag.slug}`,
  page: `tags/${tag.slug}.html`,
  title: `${config.site.title} · ${tag.label}`,
  description: `Articles tagged ${tag.label}`,
});

export const sourceSpec = (config: Config, source: Source, feedTitle?: string): FeedSpec => ({
  path: `sources/${source.name}`,
  page: `sources/${source.name}.html`,
  title: `${config.site.title} · ${sourceTitle(source, feedTitle)}`,
  description: `Articles from ${sourceTitle(source, feedTitle)}`,
});

/** A list's feeds narrowed by a query (/all.rss?tag=podcast): titled by the filter, so readers tell them apart. */
export function filteredSpec(spec: FeedSpec, query: SiteQuery | undefined): FeedSpec {
  const words = describeQuery(query);
  return words ? { ...spec, title: `${spec.title} · ${words}`, description: `${spec.description}, ${words}` } : spec;
}
/** An event's feeds: every report of it, newest first, so that a reader can follow it as it develops. */
export const eventSpec = (config: Config, event: string, lead: string): FeedSpec => ({
  path: `events/${event}`,
  page: `events/${event}.html`,
  title: `${config.site.title} · ${lead}`,
  description: `Every report of this event: ${lead}`,
});

/** A search's feeds: /search.rss?q=… (the query makes it one feed among many). */
export const searchSpec = (config: Config, query: SiteQuery | undefined): FeedSpec => {
  const words = describeQuery(query);
  return { path: 'search', page: 'search.html', title: `${config.site.title} · ${words || 'search'}`, description: words ? `Articles matching ${words}` : `Every article of ${config.site.title}` };
};

/** A query on a list: ?q=…&tag=a,b&source=x&not=word (and &page=N on a search page). */
export interface SiteQuery {
  q?: string;
  tags: string[];
  source?: string;
  not: string[];
  page?: number;
}

const MAX_TERMS = 20;
const listOf = (params: URLSearchParams, key: string) =>
  params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .slice(0, MAX_TERMS);

/** The query of a URL, in one canonical form; undefined when it names nothing; 'bad' for a page that is not one. */
export function parseQuery(search: string): SiteQuery | undefined | 'bad' {
  const params = new URLSearchParams(search);
  const q = params.get('q')?.trim() || undefined;
  const source = params.get('source')?.trim() || undefined;
  const page = params.get('page');
  if (page !== null && !/^[1-9]\d{0,5}$/.test(page)) return 'bad';
  // A tag by its slug or by its label as pages show it (?tag=Europe, ?tag=World%20news).
  const tags = listOf(params, 'tag').map((t) => slugify(t) || t);
  const query: SiteQuery = { q, tags: [...new Set(tags)].sort(), source, not: [...new Set(listOf(params, 'not'))].sort(), page: page && page !== '1' ? Number(page) : undefined };
  return query.q || query.tags.length || query.source || query.not.length || query.page ? query : undefined;
}

/** The canonical query string ("?q=tram&tag=a,b"), without the page unless asked: one cache entry per query. */
export function queryString(query: SiteQuery | undefined, page = query?.page): string {
  if (!query) return page && page > 1 ? `?page=${page}` : '';
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.tags.length) params.set('tag', query.tags.join(','));
  if (query.source) params.set('source', query.source);
  if (query.not.length) params.set('not', query.not.join(','));
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function describeQuery(query: SiteQuery | undefined): string {
  if (!query) return '';
  return [query.q && `“${query.q}”`, query.tags.length && `tagged ${query.tags.join(' or ')}`, query.source && `from ${query.source}`, query.not.length && `without ${query.not.join(', ')}`].filter(Boolean).join(' ');
}

/**
 * What a site path names: "index.html", "page/2.html", "tags.html", "tags/x.html",
 * "tags/x/page/2.html", "sources/…", "all.rss", "tags/x.atom", "search.json?q=…",
 * "search.html?q=…", "articles/ID.html", "subscriptions.opml", "style.css", "favicon.svg".
 */
export type SitePath =
  | { kind: 'opml' | 'tags' | 'sources' | 'missing' }
  | { kind: 'asset'; name: 'style.css' | 'favicon.svg' }
  | { kind: 'article'; id: string }
  | { kind: 'page'; list: List; key: string; page: number; query?: SiteQuery }
  | { kind: 'feed'; list: List; key: string; format: FeedFormat; query?: SiteQuery };

/** The lists of articles: the site's, a tag's, a source's, a search's, and an event's reports. */
export type List = 'all' | 'tags' | 'sources' | 'search' | 'events';

/** The lists named by a key in their path ("tags/x", "events/ID"). */
const isKeyed = (list: string | undefined, key: string | undefined): list is 'tags' | 'sources' | 'events' =>
  (list === 'tags' || list === 'sources' || (list === 'events' && /^[0-9a-f]{16}$/.test(key ?? ''))) && Boolean(key);

/** The page any address the site does not have gets, with status 404 (static hosts serve it so too). */
export const NOT_FOUND = '404.html';

const PAGE = /^(.*?)(?:^|\/)page\/([1-9]\d{0,5})$/;

export function parseSitePath(path: string): SitePath | undefined {
  const mark = path.indexOf('?');
  const [bare, search] = mark < 0 ? [path, ''] : [path.slice(0, mark), path.slice(mark + 1)];
  const query = parseQuery(search);
  if (query === 'bad') return undefined;
  const target = parseBare(bare);
  if (!target) return undefined;
  // Only searches and feeds take a query; a page of a river is a path of its own.
  if (query && target.kind === 'feed') return { ...target, query: { ...query, page: undefined } };
  if (target.kind === 'page' && target.list === 'search') return { ...target, page: query?.page ?? 1, query };
  return query ? undefined : target;
}

function parseBare(path: string): SitePath | undefined {
  if (path === 'subscriptions.opml') return { kind: 'opml' };
  if (path === NOT_FOUND) return { kind: 'missing' };
  if (path === 'style.css' || path === 'favicon.svg') return { kind: 'asset', name: path };
  if (path === 'tags.html' || path === 'sources.html') return { kind: path === 'tags.html' ? 'tags' : 'sources' };
  if (path === 'index.html') return { kind: 'page', list: 'all', key: '', page: 1 };
  const dot = path.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [path.slice(0, dot), path.slice(dot + 1)] : [path, ''];
  if (base.startsWith('articles/')) return ext === 'html' && !base.slice(9).includes('/') && base.length > 9 ? { kind: 'article', id: base.slice(9) } : undefined;
  const format = (FEED_FORMATS as readonly string[]).includes(ext) ? (ext as FeedFormat) : undefined;
  if (format) {
    if (base === 'all' || base === 'search') return { kind: 'feed', list: base, key: '', format };
    const [list, key, ...rest] = base.split('/');
    return isKeyed(list, key) && !rest.length ? { kind: 'feed', list, key: key!, format } : undefined;
  }
  if (ext !== 'html') return undefined;
  if (base === 'search') return { kind: 'page', list: 'search', key: '', page: 1 };
  const paged = PAGE.exec(base);
  // page/1.html is index.html, tags/x/page/1.html is tags/x.html: one address for each page.
  if (paged && paged[2] === '1') return undefined;
  const [head, page] = paged ? [paged[1]!, Number(paged[2])] : [base, 1];
  if (head === '' && paged) return { kind: 'page', list: 'all', key: '', page };
  const [list, key, ...rest] = head.split('/');
  return isKeyed(list, key) && !rest.length ? { kind: 'page', list, key: key!, page } : undefined;
}

/** The site path of page `page` of a list ("index.html", "page/2.html", "tags/x/page/3.html"). */
export function pagePath(list: List, key: string, page: number): string {
  if (list === 'search') return 'search.html';
  if (list === 'all') return page === 1 ? 'index.html' : `page/${page}.html`;
  return page === 1 ? `${list}/${key}.html` : `${list}/${key}/page/${page}.html`;
}

const newest = (articles: Article[]) => new Date(articles.reduce((max, a) => Math.max(max, a.updated.getTime() || 0), 0));

export function feedFile(format: FeedFormat, spec: FeedSpec, articles: Article[], config: Config, log: Logger, options?: RenderOptions, query = ''): SiteFile {
  return { type: CONTENT_TYPES[format], body: renderFeed(format, spec, articles, siteInfo(config, options), log, query), modified: newest(articles) };
}

export function riverFile(path: string, page: RiverPage, title: string, config: Config, options?: RenderOptions, next?: string, query?: string): SiteFile {
  const here: Here = { path, site: siteInfo(config, options), query };
  return { type: CONTENT_TYPES.html, body: renderRiverPage(here, page, title), modified: newest(page.stories.map((s) => s.article)), next };
}

export function articleFile(story: Story, config: Config, options?: RenderOptions): SiteFile {
  const here: Here = { path: `articles/${story.article.id}.html`, site: siteInfo(config, options) };
  return { type: CONTENT_TYPES.html, body: renderArticlePage(here, story), modified: story.article.updated };
}

export function tagsFile(tags: TagListing[], latest: Article[], config: Config, options?: RenderOptions): SiteFile {
  return { type: CONTENT_TYPES.html, body: renderTagsPage({ path: 'tags.html', site: siteInfo(config, options) }, tags), modified: newest(latest) };
}

export function notFoundFile(config: Config, options?: RenderOptions): SiteFile {
  return { type: CONTENT_TYPES.html, body: renderNotFoundPage({ path: NOT_FOUND, site: siteInfo(config, options) }), modified: new Date(0) };
}

export function sourcesFile(sources: SourceListing[], latest: Article[], config: Config, options?: RenderOptions): SiteFile {
  return { type: CONTENT_TYPES.html, body: renderSourcesPage({ path: 'sources.html', site: siteInfo(config, options) }, sources), modified: newest(latest) };
}

// The assets never change with the articles: one fixed date, so their validators stay put.
const ASSETS = { 'style.css': { type: 'text/css; charset=utf-8', body: STYLESHEET }, 'favicon.svg': { type: 'image/svg+xml', body: FAVICON } };

export function assetFile(name: keyof typeof ASSETS): SiteFile {
  return { ...ASSETS[name], modified: new Date(0) };
}

export function opmlFile(specs: FeedSpec[], latest: Article[], config: Config, options?: RenderOptions): SiteFile {
  return { type: CONTENT_TYPES.opml, body: renderOpml(config.site.title, feedOutlines(specs, siteInfo(config, options))), modified: newest(latest) };
}
