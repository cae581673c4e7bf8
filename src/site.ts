// The published site, read from the store: every feed in three formats and the HTML pages, by path.
// `tidings build` writes every path to a folder; `tidings serve` renders a path on first request
// and keeps it until an ingest changes something. Same paths in both.
import type { Config, Source } from './config/schema.js';
import type { Logger } from './log.js';
import type { Article } from './model.js';
import { CONTENT_TYPES, FEED_FORMATS, renderFeed, type FeedFormat, type FeedSpec, type SiteInfo } from './publish/feeds.js';
import { renderArticlePage, renderIndex, renderListPage, type Listing } from './publish/html.js';
import { renderOpml } from './publish/opml.js';
import type { FetchState } from './store/fetch-state.js';
import type { Store } from './store/store.js';

export interface SiteFile {
  type: string;
  body: string;
  /** The newest article in it, for Last-Modified. */
  modified: Date;
}

export interface SiteContext {
  config: Config;
  store: Store;
  log: Logger;
}

export function siteInfo(config: Config): SiteInfo {
  return { baseUrl: config.site.baseUrl, language: config.site.language, hubs: config.websub?.hubs };
}

export function sourceTitle(source: Source): string {
  return source.title ?? source.name;
}

const siteSpec = (config: Config): FeedSpec => ({ path: 'all', page: '', title: config.site.title, description: config.site.description });

const tagSpec = (config: Config, tag: { slug: string; label: string }): FeedSpec => ({
  path: `tags/${tag.slug}`,
  page: `tags/${encodeURIComponent(tag.slug)}`,
  title: `${config.site.title} · ${tag.label}`,
  description: `Articles tagged ${tag.label}`,
});

const sourceSpec = (config: Config, source: Source): FeedSpec => ({
  path: `sources/${source.name}`,
  page: `sources/${source.name}`,
  title: `${config.site.title} · ${sourceTitle(source)}`,
  description: `Articles from ${sourceTitle(source)}`,
});

/** Every feed Tidings publishes, site first, then tags by size, then sources in configuration order. */
export function allSpecs(ctx: SiteContext): FeedSpec[] {
  const { config, store } = ctx;
  return [siteSpec(config), ...store.tagCounts().map((t) => tagSpec(config, t)), ...config.sources.map((s) => sourceSpec(config, s))];
}

const newest = (articles: Article[]) => new Date(articles.reduce((max, a) => Math.max(max, a.updated.getTime()), 0));

export function sourceStatus(state: FetchState | undefined): string {
  if (!state?.lastCheck) return 'not fetched yet';
  if (state.gone) return 'gone (HTTP 410)';
  if (state.consecutiveErrors) return `failing: ${state.lastError ?? 'error'}`;
  return `ok, checked ${state.lastCheck.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What one path shows: which feed (or page) and its articles. Undefined for an unknown path. */
function resolve(ctx: SiteContext, path: string, limit: number): { spec: FeedSpec; articles: () => Article[] } | undefined {
  const { config, store } = ctx;
  // The site and tag feeds show each story once; a source's feed shows all of its own articles.
  if (path === 'all') return { spec: siteSpec(config), articles: () => store.listArticles({ limit, stories: true }) };
  const [kind, key, ...rest] = path.split('/');
  if (!key || rest.length) return undefined;
  if (kind === 'tags') {
    const tag = store.getTag(key);
    return tag && { spec: tagSpec(config, tag), articles: () => store.listArticles({ tag: tag.slug, limit, stories: true }) };
  }
  if (kind === 'sources') {
    const source = config.sources.find((s) => s.name === key);
    return source && { spec: sourceSpec(config, source), articles: () => store.listArticles({ source: source.name, limit }) };
  }
  return undefined;
}

function renderIndexPage(ctx: SiteContext): SiteFile {
  const { config, store } = ctx;
  const info = siteInfo(config);
  const all = store.listArticles({ limit: 1 });
  const states = new Map(store.fetchStates.list().map((s) => [s.name, s]));
  const tags: Listing[] = store.tagCounts().map((t) => ({ spec: tagSpec(config, t), count: t.count }));
  const sources: Listing[] = config.sources.map((s) => ({
    spec: sourceSpec(config, s),
    count: states.get(s.name)?.articles ?? 0,
    status: sourceStatus(states.get(s.name)),
  }));
  const site: Listing = { spec: siteSpec(config), count: store.count('articles') };
  return {
    type: CONTENT_TYPES.html,
    body: renderIndex({ title: config.site.title, description: config.site.description, site, tags, sources }, info),
    modified: newest(all),
  };
}

function renderArticle(ctx: SiteContext, id: string): SiteFile | undefined {
  const article = ctx.store.getArticle(id);
  if (!article) return undefined;
  const carriers = ctx.store.carriersOf(article.id).map((a) => {
    const source = ctx.config.sources.find((s) => s.name === a.source);
    return { source: a.source, title: source ? sourceTitle(source) : a.source, link: a.link };
  });
  return {
    type: CONTENT_TYPES.html,
    body: renderArticlePage(article, carriers, siteInfo(ctx.config), ctx.config.site.title),
    modified: article.updated,
  };
}

/**
 * Renders one path of the site ("all.rss", "tags/iran.atom", "tags/iran.html", "articles/ID.html",
 * "index.html", "subscriptions.opml"); undefined when there is no such thing.
 */
export function renderPath(ctx: SiteContext, path: string, limit = ctx.config.site.itemsPerFeed): SiteFile | undefined {
  if (path === 'index.html') return renderIndexPage(ctx);
  if (path === 'subscriptions.opml') {
    return { type: CONTENT_TYPES.opml, body: renderOpml(ctx.config.site.title, allSpecs(ctx), siteInfo(ctx.config)), modified: newest(ctx.store.listArticles({ limit: 1 })) };
  }
  const dot = path.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [path.slice(0, dot), path.slice(dot + 1)] : [path, ''];
  if (base.startsWith('articles/')) return ext === 'html' && !base.slice(9).includes('/') ? renderArticle(ctx, base.slice(9)) : undefined;
  const target = resolve(ctx, base, limit);
  if (!target) return undefined;
  const articles = target.articles();
  const modified = newest(articles);
  if (ext === 'html' && base !== 'all') {
    return { type: CONTENT_TYPES.html, body: renderListPage(target.spec, articles, siteInfo(ctx.config), ctx.config.site.title), modified };
  }
  if (!(FEED_FORMATS as readonly string[]).includes(ext)) return undefined;
  return { type: CONTENT_TYPES[ext as FeedFormat], body: renderFeed(ext as FeedFormat, target.spec, articles, siteInfo(ctx.config), ctx.log), modified };
}

/** Every path of the site, for `tidings build`: the feeds, their pages and each article they show. */
export function* sitePaths(ctx: SiteContext): Generator<string> {
  yield 'index.html';
  yield 'subscriptions.opml';
  const articles = new Set<string>();
  for (const spec of allSpecs(ctx)) {
    for (const format of FEED_FORMATS) yield `${spec.path}.${format}`;
    if (spec.path !== 'all') yield `${spec.path}.html`;
    for (const a of resolve(ctx, spec.path, ctx.config.site.itemsPerFeed)!.articles()) articles.add(a.id);
  }
  for (const id of articles) yield `articles/${id}.html`;
}

export function* renderSite(ctx: SiteContext): Generator<[string, SiteFile]> {
  for (const path of sitePaths(ctx)) {
    const file = renderPath(ctx, path);
    if (file) yield [path, file];
  }
}
