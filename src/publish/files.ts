// The published site's files: which feeds there are (site, tags, sources, searches, events), and
// each file rendered from the articles and facts it is handed. It never reads the store; where each
// file lives is routes.ts's.
import { siteBaseUrl, type Config, type Source } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Article } from '../model.js';
import { CONTENT_TYPES, renderFeed, type FeedSpec, type SiteInfo } from './feeds.js';
import { renderArticlePage, type Here, type Story } from './html.js';
import { feedOutlines, renderOpml } from './opml.js';
import {
  renderNotFoundPage,
  renderRiverPage,
  renderSourcesPage,
  renderTagsPage,
  type RiverPage,
  type SourceListing,
  type TagListing,
} from './pages.js';
import {
  articlePath,
  listPath,
  NOT_FOUND,
  pagePath,
  routePath,
  type FeedFormat,
  type List,
  type SiteQuery,
} from './routes.js';
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

function siteInfo(config: Config, options: RenderOptions = {}): SiteInfo {
  const { site } = config;
  return {
    baseUrl: siteBaseUrl(site, options.listening),
    title: site.title,
    language: site.language,
    hubs: config.websub?.hubs,
    search: options.search,
    timezone: site.timezone,
  };
}

/** A source's name on pages and feeds: its configured title, else what its feed calls itself, else its name. */
export function sourceTitle(source: Source, feedTitle?: string): string {
  return source.title ?? feedTitle ?? source.name;
}

/** A list's feeds: named by the route table, linked to the list's first page (the site's feeds to the site's address). */
const listSpec = (list: List, key: string, title: string, description: string): FeedSpec => ({
  path: listPath(list, key),
  page: list === 'all' ? '' : pagePath(list, key),
  title,
  description,
});

export const siteSpec = (config: Config): FeedSpec => listSpec('all', '', config.site.title, config.site.description);

export const tagSpec = (config: Config, tag: { slug: string; label: string }): FeedSpec =>
  listSpec('tags', tag.slug, `${config.site.title} · ${tag.label}`, `Articles tagged ${tag.label}`);

export const sourceSpec = (config: Config, source: Source, feedTitle?: string): FeedSpec =>
  listSpec(
    'sources',
    source.name,
    `${config.site.title} · ${sourceTitle(source, feedTitle)}`,
    `Articles from ${sourceTitle(source, feedTitle)}`,
  );

/** A list's feeds narrowed by a query (/all.rss?tag=podcast): titled by the filter, so readers tell them apart. */
export function filteredSpec(spec: FeedSpec, query: SiteQuery | undefined): FeedSpec {
  const words = describeQuery(query);
  return words ? { ...spec, title: `${spec.title} · ${words}`, description: `${spec.description}, ${words}` } : spec;
}
/** An event's feeds: every report of it, newest first, so that a reader can follow it as it develops. */
export const eventSpec = (config: Config, event: string, lead: string): FeedSpec =>
  listSpec('events', event, `${config.site.title} · ${lead}`, `Every report of this event: ${lead}`);

/** A search's feeds: /search.rss?q=… (the query makes it one feed among many). */
export const searchSpec = (config: Config, query: SiteQuery | undefined): FeedSpec => {
  const words = describeQuery(query);
  return listSpec(
    'search',
    '',
    `${config.site.title} · ${words || 'search'}`,
    words ? `Articles matching ${words}` : `Every article of ${config.site.title}`,
  );
};

export function describeQuery(query: SiteQuery | undefined): string {
  if (!query) return '';
  return [
    query.q && `“${query.q}”`,
    query.tags.length && `tagged ${query.tags.join(' or ')}`,
    query.source && `from ${query.source}`,
    query.not.length && `without ${query.not.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
}

const newest = (articles: Article[]) =>
  new Date(articles.reduce((max, a) => Math.max(max, a.updated.getTime() || 0), 0));

export function feedFile(
  format: FeedFormat,
  spec: FeedSpec,
  articles: Article[],
  config: Config,
  log: Logger,
  options?: RenderOptions,
  query = '',
): SiteFile {
  return {
    type: CONTENT_TYPES[format],
    body: renderFeed(format, spec, articles, siteInfo(config, options), log, query),
    modified: newest(articles),
  };
}

export function riverFile(
  path: string,
  page: RiverPage,
  title: string,
  config: Config,
  options?: RenderOptions,
  next?: string,
  query?: string,
): SiteFile {
  const here: Here = { path, site: siteInfo(config, options), query };
  return {
    type: CONTENT_TYPES.html,
    body: renderRiverPage(here, page, title),
    modified: newest(page.stories.map((s) => s.article)),
    next,
  };
}

export function articleFile(story: Story, config: Config, options?: RenderOptions): SiteFile {
  const here: Here = { path: articlePath(story.article.id), site: siteInfo(config, options) };
  return { type: CONTENT_TYPES.html, body: renderArticlePage(here, story), modified: story.article.updated };
}

export function tagsFile(tags: TagListing[], latest: Article[], config: Config, options?: RenderOptions): SiteFile {
  return {
    type: CONTENT_TYPES.html,
    body: renderTagsPage({ path: routePath({ kind: 'tags' }), site: siteInfo(config, options) }, tags),
    modified: newest(latest),
  };
}

export function notFoundFile(config: Config, options?: RenderOptions): SiteFile {
  return {
    type: CONTENT_TYPES.html,
    body: renderNotFoundPage({ path: NOT_FOUND, site: siteInfo(config, options) }),
    modified: new Date(0),
  };
}

export function sourcesFile(
  sources: SourceListing[],
  latest: Article[],
  config: Config,
  options?: RenderOptions,
): SiteFile {
  return {
    type: CONTENT_TYPES.html,
    body: renderSourcesPage({ path: routePath({ kind: 'sources' }), site: siteInfo(config, options) }, sources),
    modified: newest(latest),
  };
}

// The assets never change with the articles: one fixed date, so their validators stay put.
const ASSETS = {
  'style.css': { type: 'text/css; charset=utf-8', body: STYLESHEET },
  'favicon.svg': { type: 'image/svg+xml', body: FAVICON },
};

export function assetFile(name: keyof typeof ASSETS): SiteFile {
  return { ...ASSETS[name], modified: new Date(0) };
}

export function opmlFile(specs: FeedSpec[], latest: Article[], config: Config, options?: RenderOptions): SiteFile {
  return {
    type: CONTENT_TYPES.opml,
    body: renderOpml(config.site.title, feedOutlines(specs, siteInfo(config, options))),
    modified: newest(latest),
  };
}
