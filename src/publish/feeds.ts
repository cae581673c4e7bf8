// Article[] → RSS 2.0, Atom 1.0 and JSON Feed 1.1, through the feed package.
import { Feed, type Item } from 'feed';
import type { Article } from '../model.js';
import type { Logger } from '../log.js';
import { escapeHtml } from '../lib/text.js';
import { VERSION } from '../version.js';
import { stripForbiddenXmlChars } from '../lib/xml-chars.js';
import { cdataSafeHtml, cdataSafeText } from './xml-safe.js';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

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
  /** The HTML page this feed belongs to, relative to the base URL ("" for the site). */
  page: string;
}

export interface SiteInfo {
  baseUrl: string;
  language: string;
  hubs?: readonly string[];
}

export const articleUrl = (site: SiteInfo, id: string) => `${site.baseUrl}/articles/${id}`;
/** A guid that survives a change of baseUrl. */
export const articleGuid = (id: string) => `urn:tidings:article:${id}`;

export function renderFeed(format: FeedFormat, spec: FeedSpec, articles: Article[], site: SiteInfo, log: Logger): string {
  const build = (items: Article[]) => {
    const feed = newFeed(spec, items, site);
    for (const article of items) feed.addItem(toItem(format, article, site));
    return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : toJsonFeed11(feed.json1(), items, site);
  };
  try {
    return build(articles);
  } catch {
    // Find the items the writer cannot render, log them, and render the rest.
    const good = articles.filter((article) => {
      try {
        build([article]);
        return true;
      } catch (err) {
        log.warn({ articleId: article.id, source: article.source, feed: spec.path }, `skipped article ${article.id} in ${spec.path}.${format}: ${(err as Error).message}`);
        return false;
      }
    });
    return build(good);
  }
}

function newFeed(spec: FeedSpec, articles: Article[], site: SiteInfo): Feed {
  const self = (ext: string) => `${site.baseUrl}/${spec.path}.${ext}`;
  const newest = articles.reduce((max, a) => Math.max(max, a.updated.getTime(), a.published.getTime()), 0);
  return new Feed({
    id: `urn:tidings:feed:${spec.path}`,
    title: stripForbiddenXmlChars(spec.title),
    description: stripForbiddenXmlChars(spec.description),
    link: `${site.baseUrl}/${spec.page}`,
    language: site.language,
    updated: new Date(newest),
    generator: `Tidings ${VERSION}`,
    feedLinks: { rss: self('rss'), atom: self('atom'), json: self('json') },
    hub: site.hubs?.[0],
  });
}

function toItem(format: FeedFormat, article: Article, site: SiteInfo): Item {
  // new URL throws on a link no reader could follow, for every format alike.
  const link = new URL(article.link ?? articleUrl(site, article.id)).href;
  const html = format !== 'json';
  const enclosure = article.enclosures[0];
  return {
    // Atom writes titles as type="html"; RSS and JSON readers take them as text.
    title: format === 'atom' ? cdataSafeHtml(escapeHtml(article.title)) : html ? cdataSafeText(article.title) : article.title,
    id: articleGuid(article.id),
    link,
    date: article.updated,
    published: article.published,
    description: html ? cdataSafeHtml(escapeHtml(article.summary)) : article.summary,
    content: html ? cdataSafeHtml(article.content) : article.content,
    category: article.tags.map((t) => ({ name: stripForbiddenXmlChars(t.label), term: t.slug })),
    author: article.author ? [{ name: stripForbiddenXmlChars(article.author) }] : undefined,
    enclosure: enclosure && { url: enclosure.url, type: enclosure.type, length: enclosure.length },
  };
}

/** The feed package writes JSON Feed 1.0; 1.1 adds `authors`, `language` and needs nothing removed. */
function toJsonFeed11(json: string, articles: Article[], site: SiteInfo): string {
  const feed = JSON.parse(json);
  const items = feed.items.map((item: Record<string, unknown>, i: number) => {
    const article = articles[i]!;
    const { author, ...rest } = item;
    return {
      ...rest,
      ...(author ? { authors: [author] } : {}),
      ...(article.language ? { language: article.language } : {}),
      ...(article.enclosures.length
        ? {
            attachments: article.enclosures.map((e) => ({
              url: e.url,
              mime_type: e.type ?? 'application/octet-stream',
              ...(e.length ? { size_in_bytes: e.length } : {}),
            })),
          }
        : {}),
    };
  });
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: feed.title,
      home_page_url: feed.home_page_url,
      feed_url: feed.feed_url,
      description: feed.description,
      language: site.language,
      ...(site.hubs?.length ? { hubs: site.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
      items,
    },
    null,
    2,
  )}\n`;
}
