// Article[] → RSS 2.0, Atom 1.0 and JSON Feed 1.1. Each article becomes a FeedItem once (item.ts),
// and each format writes the same items (rss.ts, atom.ts, json-feed.ts).
import { safeText } from '../lib/xml-chars.js';
import type { Logger } from '../log.js';
import type { Article } from '../model.js';
import { VERSION } from '../version.js';
import { renderAtom } from './atom.js';
import { toFeedItem, type FeedItem } from './item.js';
import { renderJsonFeed } from './json-feed.js';
import { renderRss } from './rss.js';
import { feedPath, type FeedFormat } from './routes.js';
import { feedId, siteUrl } from './urls.js';

export const CONTENT_TYPES: Record<FeedFormat | 'html' | 'opml', string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
};

/** What one published feed is: its path without extension ("all", "tags/iran") and its words. */
export interface FeedSpec {
  path: string;
  title: string;
  description: string;
  /** The path of the HTML page this feed belongs to ("" for the site). */
  page: string;
}

export interface SiteInfo {
  baseUrl: string;
  /** The site's title: also the feeds' author, for the entries that name none (RFC 4287 §4.1.1). */
  title: string;
  language: string;
  hubs?: readonly string[];
  /** Pages have a search box: the daemon answers /search (a folder of files cannot). */
  search?: boolean;
  /** The IANA zone pages show times in (site.timezone); UTC without one. */
  timezone?: string;
}

/** What the writers say about the feed itself. */
export interface FeedHead {
  id: string;
  title: string;
  description: string;
  /** Its HTML page. */
  link: string;
  urls: Record<FeedFormat, string>;
  author: string;
  language: string;
  hubs: readonly string[];
  updated: Date;
  generator: string;
}

const WRITERS: Record<FeedFormat, (head: FeedHead, items: FeedItem[]) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

/**
 * Never throws: an article no format can carry is logged and left out. `query` ("?q=tram") makes
 * it the feed of a search or a filter: its addresses carry the query, and its id too, so that each
 * query is a feed of its own.
 */
export function renderFeed(
  format: FeedFormat,
  spec: FeedSpec,
  articles: Article[],
  site: SiteInfo,
  log: Logger,
  query = '',
): string {
  const items = articles.flatMap((article) => {
    try {
      return [toFeedItem(article, site)];
    } catch (err) {
      log.warn(
        { articleId: article.id, source: article.source, feed: spec.path },
        `skipped article ${article.id} in ${feedPath(spec.path, format)}: ${(err as Error).message}`,
      );
      return [];
    }
  });
  const title = safeText(spec.title).trim() || 'Tidings';
  const head: FeedHead = {
    id: feedId(query ? `${spec.path}/${query.slice(1)}` : spec.path),
    title,
    description: safeText(spec.description).trim() || title,
    link: siteUrl(site, spec.page) + (spec.page ? query : ''),
    urls: {
      rss: siteUrl(site, feedPath(spec.path, 'rss')) + query,
      atom: siteUrl(site, feedPath(spec.path, 'atom')) + query,
      json: siteUrl(site, feedPath(spec.path, 'json')) + query,
    },
    author: safeText(site.title).trim() || 'Tidings',
    language: site.language,
    hubs: site.hubs ?? [],
    updated: new Date(items.reduce((max, i) => Math.max(max, i.updated.getTime(), i.published.getTime()), 0)),
    generator: `Tidings ${VERSION}`,
  };
  return WRITERS[format](head, items);
}
