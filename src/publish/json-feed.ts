// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Every string passes safeText on the way
// out, as in the XML formats: some JSON readers refuse a lone surrogate or a NUL.
import { safeText } from '../lib/xml-chars.js';
import type { FeedHead } from './feeds.js';
import type { FeedItem } from './item.js';

export function renderJsonFeed(head: FeedHead, items: FeedItem[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: head.title,
    home_page_url: head.link,
    feed_url: head.urls.json,
    description: head.description,
    language: head.language,
    authors: [{ name: head.author }],
    ...(head.hubs.length ? { hubs: head.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
    items: items.map(item),
  };
  return `${JSON.stringify(feed, (_key, value: unknown) => (typeof value === 'string' ? safeText(value) : value), 2)}\n`;
}

function item(item: FeedItem) {
  return {
    id: item.guid,
    url: item.link,
    title: item.title,
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item.content ? { content_html: item.content } : { content_text: item.summary }),
    date_published: item.published.toISOString(),
    date_modified: item.updated.toISOString(),
    ...(item.author ? { authors: [{ name: item.author }] } : {}),
    tags: item.tags.map((t) => t.label),
    ...(item.language ? { language: item.language } : {}),
    ...(item.enclosures.length
      ? {
          attachments: item.enclosures.map((e) => ({
            url: e.url,
            mime_type: e.type,
            ...(e.length ? { size_in_bytes: e.length } : {}),
          })),
        }
      : {}),
  };
}
