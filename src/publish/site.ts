// The published site's parts: which feeds there are (site, tags, sources), what a path names, and
// each file rendered from the articles and facts it is handed. It never reads the store.
import type { Config, Source } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Article, FetchState, Tag } from '../model.js';
import { CONTENT_TYPES, FEED_FORMATS, renderFeed, type FeedFormat, type FeedSpec, type SiteInfo } from './feeds.js';
import { renderArticlePage, renderIndex, renderListPage, type Carrier, type Listing } from './html.js';
import { feedOutlines, renderOpml } from './opml.js';
import { isPublishedTag } from './urls.js';

export interface SiteFile {
  type: string;
  body: string;
  /** The newest article in it, for Last-Modified. */
  modified: Date;
}

export function siteInfo(config: Config): SiteInfo {
  return { baseUrl: config.site.baseUrl, title: config.site.title, language: config.site.language, hubs: config.websub?.hubs };
}

export function sourceTitle(source: Source): string {
  return source.title ?? source.name;
}

export const siteSpec = (config: Config): FeedSpec => ({ path: 'all', page: '', title: config.site.title, description: config.site.description });

export const tagSpec = (config: Config, tag: Tag): FeedSpec => ({
  path: `tags/${tag.slug}`,
  page: `tags/${tag.slug}`,
  title: `${config.site.title} · ${tag.label}`,
  description: `Articles tagged ${tag.label}`,
});

export const sourceSpec = (config: Config, source: Source): FeedSpec => ({
  path: `sources/${source.name}`,
  page: `sources/${source.name}`,
  title: `${config.site.title} · ${sourceTitle(source)}`,
  description: `Articles from ${sourceTitle(source)}`,
});

export function sourceStatus(state: FetchState | undefined): string {
  if (!state?.lastCheck) return 'not fetched yet';
  if (state.gone) return 'gone (HTTP 410)';
  if (state.consecutiveErrors) return `failing: ${state.lastError ?? 'error'}`;
  return `ok, checked ${state.lastCheck.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What a site path ("all.rss", "tags/iran.atom", "sources/x.html", "articles/ID.html", "index.html") names. */
export type SitePath =
  | { kind: 'index' }
  | { kind: 'opml' }
  | { kind: 'article'; id: string }
  | { kind: 'feed' | 'page'; list: 'all' | 'tags' | 'sources'; key: string; format: FeedFormat | 'html' };

export function parseSitePath(path: string): SitePath | undefined {
  if (path === 'index.html') return { kind: 'index' };
  if (path === 'subscriptions.opml') return { kind: 'opml' };
  const dot = path.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [path.slice(0, dot), path.slice(dot + 1)] : [path, ''];
  if (base.startsWith('articles/')) return ext === 'html' && !base.slice(9).includes('/') ? { kind: 'article', id: base.slice(9) } : undefined;
  const format = ext === 'html' ? 'html' : (FEED_FORMATS as readonly string[]).includes(ext) ? (ext as FeedFormat) : undefined;
  if (!format) return undefined;
  if (base === 'all') return format === 'html' ? undefined : { kind: 'feed', list: 'all', key: '', format };
  const [list, key, ...rest] = base.split('/');
  if ((list !== 'tags' && list !== 'sources') || !key || rest.length) return undefined;
  return { kind: format === 'html' ? 'page' : 'feed', list, key, format };
}

const newest = (articles: Article[]) => new Date(articles.reduce((max, a) => Math.max(max, a.updated.getTime() || 0), 0));

export function feedFile(format: FeedFormat, spec: FeedSpec, articles: Article[], config: Config, log: Logger): SiteFile {
  return { type: CONTENT_TYPES[format], body: renderFeed(format, spec, articles, siteInfo(config), log), modified: newest(articles) };
}

export function listFile(spec: FeedSpec, articles: Article[], config: Config): SiteFile {
  return { type: CONTENT_TYPES.html, body: renderListPage(spec, articles, siteInfo(config)), modified: newest(articles) };
}

export function articleFile(article: Article, carriers: Carrier[], config: Config): SiteFile {
  return { type: CONTENT_TYPES.html, body: renderArticlePage(article, carriers, siteInfo(config)), modified: article.updated };
}

export interface IndexFacts {
  tags: (Tag & { count: number })[];
  states: FetchState[];
  articleCount: number;
  latest: Article[];
}

export function indexFile(facts: IndexFacts, config: Config): SiteFile {
  const states = new Map(facts.states.map((s) => [s.name, s]));
  const tags: Listing[] = facts.tags.filter(isPublishedTag).map((t) => ({ spec: tagSpec(config, t), count: t.count }));
  const sources: Listing[] = config.sources.map((s) => ({ spec: sourceSpec(config, s), count: states.get(s.name)?.articles ?? 0, status: sourceStatus(states.get(s.name)) }));
  const site: Listing = { spec: siteSpec(config), count: facts.articleCount };
  return {
    type: CONTENT_TYPES.html,
    body: renderIndex({ title: config.site.title, description: config.site.description, site, tags, sources }, siteInfo(config)),
    modified: newest(facts.latest),
  };
}

export function opmlFile(specs: FeedSpec[], latest: Article[], config: Config): SiteFile {
  return { type: CONTENT_TYPES.opml, body: renderOpml(config.site.title, feedOutlines(specs, siteInfo(config))), modified: newest(latest) };
}
