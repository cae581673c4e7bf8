// The whole published site, read from the store: every feed in three formats and the HTML pages.
// `tidings build` writes it to a folder; `tidings serve` keeps it in memory. Same paths in both.
import type { Config, Source } from './config/schema.js';
import type { Logger } from './log.js';
import type { Article } from './model.js';
import { CONTENT_TYPES, FEED_FORMATS, renderFeed, type FeedSpec, type SiteInfo } from './publish/feeds.js';
import { renderArticlePage, renderIndex, renderListPage, type Listing } from './publish/html.js';
import { renderOpml } from './publish/opml.js';
import type { Store } from './store/store.js';

export interface SiteFile {
  type: string;
  body: string;
  /** The newest article in it, for Last-Modified. */
  modified: Date;
}

export function siteInfo(config: Config): SiteInfo {
  return { baseUrl: config.site.baseUrl, language: config.site.language };
}

export function sourceTitle(source: Source): string {
  return source.title ?? source.name;
}

export function siteSpecs(config: Config, store: Store): { site: FeedSpec; tags: FeedSpec[]; sources: FeedSpec[] } {
  const title = config.site.title;
  return {
    site: { path: 'all', page: '', title, description: config.site.description },
    tags: store.tagCounts().map((t) => ({
      path: `tags/${t.slug}`,
      page: `tags/${encodeURIComponent(t.slug)}`,
      title: `${title} · ${t.label}`,
      description: `Articles tagged ${t.label}`,
    })),
    sources: config.sources.map((s) => ({
      path: `sources/${s.name}`,
      page: `sources/${s.name}`,
      title: `${title} · ${sourceTitle(s)}`,
      description: `Articles from ${sourceTitle(s)}`,
    })),
  };
}

function newest(articles: Article[]): Date {
  return new Date(articles.reduce((max, a) => Math.max(max, a.updated.getTime()), 0));
}

/** Renders every file of the site. */
export function renderSite(config: Config, store: Store, log: Logger): Map<string, SiteFile> {
  const info = siteInfo(config);
  const limit = config.site.itemsPerFeed;
  const specs = siteSpecs(config, store);
  const files = new Map<string, SiteFile>();
  const pages = new Map<string, Article>();

  const addFeeds = (spec: FeedSpec, articles: Article[]) => {
    const modified = newest(articles);
    for (const format of FEED_FORMATS)
      files.set(`${spec.path}.${format}`, { type: CONTENT_TYPES[format], body: renderFeed(format, spec, articles, info, log), modified });
    for (const a of articles) pages.set(a.id, a);
    return { spec, count: articles.length, modified };
  };

  const all = addFeeds(specs.site, store.listArticles({ limit }));
  const counts = new Map(store.tagCounts().map((t) => [`tags/${t.slug}`, t.count]));
  const tagListings: Listing[] = specs.tags.map((spec) => {
    const articles = store.listArticles({ tag: spec.path.slice('tags/'.length), limit });
    addFeeds(spec, articles);
    files.set(`${spec.path}.html`, { type: CONTENT_TYPES.html, body: renderListPage(spec, articles, info, config.site.title), modified: newest(articles) });
    return { spec, count: counts.get(spec.path) ?? articles.length };
  });
  const sourceListings: Listing[] = specs.sources.map((spec) => {
    const articles = store.listArticles({ source: spec.path.slice('sources/'.length), limit });
    addFeeds(spec, articles);
    files.set(`${spec.path}.html`, { type: CONTENT_TYPES.html, body: renderListPage(spec, articles, info, config.site.title), modified: newest(articles) });
    return { spec, count: articles.length };
  });

  const byName = new Map(config.sources.map((s) => [s.name, s]));
  for (const article of pages.values()) {
    const source = byName.get(article.source);
    const carriers = [{ source: article.source, title: source ? sourceTitle(source) : article.source, link: article.link }];
    files.set(`articles/${article.id}.html`, { type: CONTENT_TYPES.html, body: renderArticlePage(article, carriers, info, config.site.title), modified: article.updated });
  }
  files.set('index.html', {
    type: CONTENT_TYPES.html,
    body: renderIndex({ title: config.site.title, description: config.site.description, site: all, tags: tagListings, sources: sourceListings }, info),
    modified: all.modified,
  });
  files.set('subscriptions.opml', {
    type: CONTENT_TYPES.opml,
    body: renderOpml(config.site.title, [specs.site, ...specs.tags, ...specs.sources], info),
    modified: all.modified,
  });
  return files;
}
