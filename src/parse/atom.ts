// Atom 1.0 (RFC 4287) and Atom 0.3 → RawFeed.
import type { Enclosure } from '../model.js';
import { resolveUrl } from '../lib/urls.js';
import { feedDate } from './dates-in-feed.js';
import {
  NS,
  all,
  attr,
  elements,
  extensionAuthor,
  first,
  is,
  mediaOf,
  mediaType,
  serialize,
  textOf,
  trimmedText,
} from './tree.js';
import type { ParseOptions, RawEntry, RawFeed, RawTag, Text } from './types.js';
import type { FeedReader, XmlElement } from './xml-tree.js';

const ATOM = [NS.atom10, NS.atom03, ''];
const DATES = [NS.dcterms, NS.dc];

function decodeBase64(text: string): string {
  return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/** A text construct: Atom 1.0 type text|html|xhtml, or Atom 0.3 MIME type and mode. */
export function atomText(el: XmlElement | undefined): Text | undefined {
  if (!el) return undefined;
  const type = (attr(el, 'type') ?? 'text').toLowerCase();
  const mode = attr(el, 'mode')?.toLowerCase();
  const isHtmlType = type === 'html' || type === 'text/html';
  if (
    mode === 'base64' ||
    (type !== 'text' && !type.startsWith('text/') && !type.includes('xml') && type !== 'html' && type.includes('/'))
  ) {
    const value = decodeBase64(textOf(el));
    return { type: isHtmlType ? 'html' : 'text', value, base: el.base };
  }
  if (type === 'xhtml' || type.includes('xhtml') || mode === 'xml' || (type.includes('xml') && !mode)) {
    // Atom 1.0 wraps XHTML in one div that is not part of the content; Atom 0.3 keeps it.
    const kids = elements(el);
    const inner =
      type === 'xhtml' &&
      kids.length === 1 &&
      kids[0]!.local === 'div' &&
      el.children.every((c) => typeof c !== 'string' || !c.trim());
    return { type: 'html', value: serialize(inner ? kids[0]!.children : el.children).trim(), base: el.base };
  }
  if (isHtmlType) return { type: 'html', value: textOf(el).trim(), base: el.base };
  return { type: 'text', value: textOf(el).trim(), base: el.base };
}

function links(node: XmlElement, base: string | undefined) {
  return all(node, ATOM, 'link').map((l) => ({
    rel: (attr(l, 'rel') ?? 'alternate').toLowerCase(),
    type: attr(l, 'type')?.toLowerCase(),
    href: resolveUrl(attr(l, 'href') ?? trimmedText(l), l.base ?? base),
    length: attr(l, 'length'),
  }));
}

function alternate(node: XmlElement, base: string | undefined): string | undefined {
  const alts = links(node, base).filter((l) => l.rel === 'alternate' && l.href);
  return (alts.find((l) => !l.type || l.type.includes('html')) ?? alts[0])?.href;
}

function personName(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  return trimmedText(first(el, ATOM, 'name')) ?? (elements(el).length ? undefined : trimmedText(el));
}

/** An entry's or a feed's own author: atom:author, else what the extension namespaces say. */
function authorOf(el: XmlElement | undefined): string | undefined {
  return el && (personName(first(el, ATOM, 'author')) ?? extensionAuthor(el));
}

function atomTags(entry: XmlElement): RawTag[] {
  const tags: RawTag[] = all(entry, ATOM, 'category')
    .map((c) => ({ term: attr(c, 'term') ?? trimmedText(c) ?? '', label: attr(c, 'label') }))
    .filter((t) => t.term || t.label)
    .map((t) => ({ term: t.term || t.label!, label: t.label }));
  for (const s of all(entry, [NS.dc], 'subject')) {
    const term = trimmedText(s);
    if (term) tags.push({ term });
  }
  return tags;
}

/** An absolute id is kept as written (RFC 4287 §4.2.6: ids are compared, not normalized). */
function atomId(el: XmlElement | undefined): string | undefined {
  const id = trimmedText(el);
  if (!id) return undefined;
  return /^[a-z][a-z0-9+.-]*:/i.test(id) ? id : resolveUrl(id, el!.base);
}

function atomEntry(
  entry: XmlElement,
  feed: XmlElement,
  feedAuthor: string | undefined,
  opts: ParseOptions,
  warnings: string[],
): RawEntry {
  const base = entry.base;
  // Like feedparser, a repeated date element counts with its last value.
  const date = (local: string, namespaces = ATOM) =>
    feedDate(trimmedText(all(entry, namespaces, local).at(-1)), `entry ${local}`, opts.timezone, warnings);
  const enclosures: Enclosure[] = links(entry, base)
    .filter((l) => l.rel === 'enclosure' && l.href)
    .map((l) => ({
      url: l.href!,
      type: l.type,
      length: l.length && /^\d+$/.test(l.length) ? Number(l.length) : undefined,
    }));
  for (const m of mediaOf(entry)) {
    const url = resolveUrl(attr(m, 'url'), m.base);
    if (url && !enclosures.some((e) => e.url === url)) enclosures.push({ url, type: mediaType(m) });
  }
  const contentEl = first(entry, ATOM, 'content');
  return {
    id: atomId(first(entry, ATOM, 'id')),
    title: atomText(first(entry, ATOM, 'title')),
    link: trimmedText(first(entry, [NS.feedburner], 'origlink')) ?? alternate(entry, base),
    published: date('published') ?? date('issued') ?? date('created') ?? date('issued', DATES),
    updated: date('updated') ?? date('modified') ?? date('modified', DATES) ?? date('date', [NS.dc]),
    // RFC 4287 §4.2.1: without an author of its own, the entry's atom:source's, else the feed's.
    author: authorOf(entry) ?? authorOf(first(entry, ATOM, 'source')) ?? feedAuthor,
    summary: atomText(first(entry, ATOM, 'summary')),
    content: attr(contentEl, 'src') ? undefined : atomText(contentEl),
    tags: atomTags(entry),
    enclosures,
    language: entry.lang ?? feed.lang ?? opts.language,
    base,
  };
}

/** The feed's own fields, from its root (its entries are read one by one, apart). */
function atomFeed(
  root: XmlElement,
  opts: ParseOptions,
  warnings: string[],
): Omit<RawFeed, 'entries' | 'warnings' | 'refused'> {
  const base = root.base;
  const version =
    root.ns.toLowerCase().startsWith(NS.atom03.slice(0, 20)) || attr(root, 'version') === '0.3' ? '0.3' : '1.0';
  const feedDateOf = (local: string, namespaces: readonly string[] = ATOM) =>
    feedDate(trimmedText(first(root, namespaces, local)), `feed ${local}`, opts.timezone, warnings);
  return {
    format: 'atom',
    version,
    title: atomText(first(root, ATOM, 'title')),
    link: alternate(root, base),
    description: atomText(first(root, ATOM, 'subtitle') ?? first(root, ATOM, 'tagline') ?? first(root, ATOM, 'info')),
    language: root.lang ?? opts.language,
    updated:
      feedDateOf('updated') ?? feedDateOf('modified') ?? feedDateOf('modified', DATES) ?? feedDateOf('date', [NS.dc]),
    skipHours: [],
    skipDays: [],
  };
}

/**
 * An Atom document's reader: its entries are the feed's atom:entry children, each read with what
 * the feed said of itself before it (its author, its language). A root in a namespace of its own
 * is read as Atom 0.3's.
 */
export function atomReader(root: XmlElement, opts: ParseOptions, warnings: string[]): FeedReader {
  return {
    adopt: [NS.atom10, NS.atom03].includes(root.ns as never) ? undefined : NS.atom03,
    isEntry: (element, _parent, depth) => depth === 1 && is(element, ATOM, 'entry'),
    entry: (element) => atomEntry(element, root, authorOf(root), opts, warnings),
    feed: () => atomFeed(root, opts, warnings),
  };
}
