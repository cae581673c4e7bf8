// Atom 1.0 (RFC 4287). The feed's author is the site: entries that name none inherit it (§4.1.1).
import { escapeHtml } from '../lib/text.js';
import type { FeedHead } from './feeds.js';
import type { FeedItem } from './item.js';
import { element, xmlCdata, xmlText } from './xml-safe.js';

const text = (name: string, value: string) => element(name, {}, xmlText(value));
// Plain text as escaped HTML: text that looks like markup ("the <blink> tag") is then not taken
// for undeclared HTML, by readers or the validator.
const plain = (name: string, value: string) => element(name, { type: 'html' }, xmlCdata(escapeHtml(value)));
const author = (name: string) => element('author', {}, text('name', name));

export function renderAtom(head: FeedHead, items: FeedItem[]): string {
  const body = [...feed(head), ...items.map(entry)].map((part) => `  ${part}\n`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n${element('feed', { xmlns: 'http://www.w3.org/2005/Atom' }, `\n${body}`)}\n`;
}

function feed(head: FeedHead): string[] {
  return [
    text('id', head.id),
    text('title', head.title),
    text('subtitle', head.description),
    text('updated', head.updated.toISOString()),
    author(head.author),
    text('generator', head.generator),
    element('link', { rel: 'alternate', type: 'text/html', href: head.link }),
    element('link', { rel: 'self', type: 'application/atom+xml', href: head.urls.atom }),
    ...head.hubs.map((hub) => element('link', { rel: 'hub', href: hub })),
  ];
}

function entry(item: FeedItem): string {
  const parts = [
    text('id', item.guid),
    plain('title', item.title),
    element('link', { rel: 'alternate', href: item.link }),
    text('published', item.published.toISOString()),
    text('updated', item.updated.toISOString()),
    ...(item.author ? [author(item.author)] : []),
    ...item.tags.map((t) => element('category', { term: t.slug, label: t.label })),
    ...(item.summary ? [plain('summary', item.summary)] : []),
    ...(item.content ? [element('content', { type: 'html' }, xmlCdata(item.content))] : []),
    ...item.enclosures.map((e) =>
      element('link', { rel: 'enclosure', type: e.type, length: e.length || undefined, href: e.url }),
    ),
  ];
  return element('entry', {}, `\n${parts.map((part) => `    ${part}\n`).join('')}  `);
}
