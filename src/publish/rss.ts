// RSS 2.0 (https://www.rssboard.org/rss-specification), with the atom, content and dc namespaces.
import { escapeHtml } from '../lib/text.js';
import type { FeedHead } from './feeds.js';
import { isImage, type FeedItem } from './item.js';
import { element, xmlCdata, xmlText } from './xml-safe.js';

const ROOT = {
  version: '2.0',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:media': 'http://search.yahoo.com/mrss/',
};

const text = (name: string, value: string) => element(name, {}, xmlText(value));

export function renderRss(head: FeedHead, items: FeedItem[]): string {
  const body = [...channel(head), ...items.map(item)].map((part) => `    ${part}\n`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n${element('rss', ROOT, `\n  <channel>\n${body}  </channel>\n`)}\n`;
}

function channel(head: FeedHead): string[] {
  return [
    text('title', head.title),
    text('link', head.link),
    text('description', head.description),
    text('language', head.language),
    // An empty feed has no build date to give (its Atom twin must say 1970).
    ...(head.updated.getTime() ? [text('lastBuildDate', head.updated.toUTCString())] : []),
    text('docs', 'https://www.rssboard.org/rss-specification'),
    text('generator', head.generator),
    element('atom:link', { href: head.urls.rss, rel: 'self', type: 'application/rss+xml' }),
    ...head.hubs.map((hub) => element('atom:link', { href: hub, rel: 'hub' })),
  ];
}

function item(item: FeedItem): string {
  // RSS 2.0 has room for one enclosure (the episode, when there is one); pictures also go in Media RSS.
  const enclosure = item.enclosures[0];
  const pictures = item.enclosures.filter(isImage);
  const parts = [
    element('title', {}, xmlCdata(item.title)),
    text('link', item.link),
    element('guid', { isPermaLink: 'false' }, xmlText(item.guid)),
    text('pubDate', item.published.toUTCString()),
    // <author> is an e-mail address in RSS 2.0; a name goes in dc:creator.
    ...(item.author ? [text('dc:creator', item.author)] : []),
    ...item.tags.map((t) => text('category', t.label)),
    // Readers show the description when there is no content:encoded, so it carries the content then.
    ...(item.summary || item.content
      ? [element('description', {}, xmlCdata(item.summary ? escapeHtml(item.summary) : item.content))]
      : []),
    ...(item.summary && item.content ? [element('content:encoded', {}, xmlCdata(item.content))] : []),
    ...(enclosure
      ? [element('enclosure', { url: enclosure.url, length: enclosure.length, type: enclosure.type })]
      : []),
    ...pictures.map((p) => element('media:content', { url: p.url, type: p.type, medium: 'image' })),
  ];
  return element('item', {}, `\n${parts.map((part) => `      ${part}\n`).join('')}    `);
}
