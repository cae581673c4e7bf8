// RSS 0.90–0.94, 2.0 and RSS 1.0 (RDF) → RawFeed.
import { decodeHTMLStrict } from 'entities';
import type { Enclosure } from '../model.js';
import { resolveUrl } from '../lib/urls.js';
import { atomText } from './atom.js';
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

// RSS core elements: no namespace, the RSS 1.0 and 0.90 namespaces, and two RSS 2.0 namespaces seen in the wild.
const CORE: readonly string[] = [
  '',
  NS.rss10,
  NS.rss090,
  'http://backend.userland.com/rss2',
  'http://blogs.law.harvard.edu/tech/rss',
];
const DC: readonly string[] = [NS.dc];
const ATOM: readonly string[] = [NS.atom10, NS.atom03];

/**
 * Element text as a text construct: HTML for descriptions, plain text for titles; naked XHTML
 * children are serialized as HTML either way. A title's escaped markup is text that shows as
 * written (`&lt;script&gt;` is a title about a script tag); only entity references escaped twice
 * (`&amp;amp;`, common in the wild) are read once more.
 */
function rssText(el: XmlElement | undefined, type: Text['type']): Text | undefined {
  if (!el) return undefined;
  if (ATOM.includes(el.ns)) return atomText(el);
  if (elements(el).length > 0) return { type: 'html', value: serialize(el.children).trim(), base: el.base };
  const value = textOf(el).trim();
  return { type, value: type === 'text' ? decodeHTMLStrict(value) : value, base: el.base };
}

/** "jo@example.org (Jo Smith)", "Jo Smith <jo@example.org>", "Jo Smith (jo@example.org)" → "Jo Smith". */
function authorName(raw: string | undefined): string | undefined {
  const text = raw?.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  const m =
    /^\S+@\S+\s*\((.+)\)$/.exec(text) ??
    /^(.+?)\s*<[^<>]*@[^<>]*>$/.exec(text) ??
    /^(.+?)\s*\(\s*[^()\s]+@[^()\s]+\s*\)$/.exec(text) ??
    /^mailto:(.+)$/i.exec(text);
  return (m?.[1] ?? text).trim() || undefined;
}

function rssTags(item: XmlElement): RawTag[] {
  return [...all(item, CORE, 'category'), ...all(item, DC, 'subject')]
    .map((c) => trimmedText(c))
    .filter((t): t is string => Boolean(t))
    .map((term) => ({ term }));
}

function enclosuresOf(item: XmlElement): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  const add = (el: XmlElement, urlAttr: string, lengthAttr: string, type = attr(el, 'type') || undefined) => {
    const url = resolveUrl(attr(el, urlAttr), el.base);
    if (!url || seen.has(url)) return;
    seen.add(url);
    const length = attr(el, lengthAttr);
    out.push({ url, type, length: length && /^\d+$/.test(length) ? Number(length) : undefined });
  };
  for (const e of all(item, CORE, 'enclosure')) add(e, 'url', 'length');
  for (const l of all(item, ATOM, 'link').filter((l) => attr(l, 'rel') === 'enclosure')) add(l, 'href', 'length');
  for (const m of mediaOf(item)) add(m, 'url', 'filesize', mediaType(m));
  return out;
}

/** An RSS 1.0 item's rdf:about, whatever the prefix bound to RDF. */
function rdfAbout(item: XmlElement): string | undefined {
  const key = Object.keys(item.attrs).find((k) => k === 'rdf:about' || k.endsWith(':about'));
  return key ? attr(item, key) : undefined;
}

function itemAuthor(item: XmlElement): string | undefined {
  const atomAuthor = trimmedText(first(first(item, ATOM, 'author') ?? item, ATOM, 'name'));
  return authorName(
    trimmedText(first(item, CORE, 'author')) ??
      trimmedText(first(item, DC, 'author')) ??
      atomAuthor ??
      extensionAuthor(item),
  );
}

/**
 * The channel's author, which an item without one of its own inherits: its dc:creator or
 * itunes:author. Never managingEditor or webMaster: they name who runs the feed, not who wrote
 * its items (the Japan Times' editor was credited with 46 articles).
 */
function channelAuthor(channel: XmlElement): string | undefined {
  return authorName(extensionAuthor(channel));
}

function rssEntry(
  item: XmlElement,
  channel: { language?: string; author?: string },
  opts: ParseOptions,
  warnings: string[],
): RawEntry {
  const base = item.base;
  const date = (namespaces: readonly string[], local: string) =>
    feedDate(trimmedText(first(item, namespaces, local)), `item ${local}`, opts.timezone, warnings);
  const guidEl = first(item, CORE, 'guid');
  const guid = trimmedText(guidEl);
  // RSS 2.0: isPermaLink defaults to true, so a guid without a link is the link.
  const guidIsLink = guid && attr(guidEl, 'ispermalink')?.toLowerCase() !== 'false' && /^(https?:|\/)/i.test(guid);
  // FeedBurner wraps each link in a redirect of its own and keeps the original in feedburner:origLink.
  const link =
    trimmedText(first(item, [NS.feedburner], 'origlink')) ??
    trimmedText(first(item, CORE, 'link')) ??
    (guidIsLink ? guid : undefined) ??
    attr(first(item, ATOM, 'link'), 'href');
  const dcDate = date(DC, 'date');
  const content =
    first(item, [NS.content], 'encoded') ??
    first(item, [NS.xhtml], 'body') ??
    first(item, [NS.xhtml], 'div') ??
    first(item, ATOM, 'content') ??
    first(item, CORE, 'fullitem') ??
    first(item, CORE, 'body');
  return {
    id: guid ?? rdfAbout(item),
    title: rssText(first(item, CORE, 'title') ?? first(item, DC, 'title') ?? first(item, ATOM, 'title'), 'text'),
    link: resolveUrl(link, base),
    published:
      date(CORE, 'pubdate') ??
      date([NS.dcterms], 'issued') ??
      date([NS.dcterms], 'created') ??
      date(ATOM, 'published') ??
      dcDate,
    updated: dcDate ?? date([NS.dcterms], 'modified') ?? date(ATOM, 'updated'),
    author: itemAuthor(item) ?? channel.author,
    summary: rssText(
      first(item, CORE, 'description') ?? first(item, DC, 'description') ?? first(item, ATOM, 'summary'),
      'html',
    ),
    content:
      content &&
      (content.ns === NS.content || content.local === 'fullitem'
        ? { type: 'html', value: textOf(content).trim(), base: content.base }
        : rssText(content, 'html')),
    tags: rssTags(item),
    enclosures: enclosuresOf(item),
    language: trimmedText(first(item, DC, 'language')) ?? item.lang ?? channel.language,
    base,
  };
}

function channelLanguage(channel: XmlElement, opts: ParseOptions): string | undefined {
  return (
    trimmedText(first(channel, CORE, 'language')) ??
    trimmedText(first(channel, DC, 'language')) ??
    channel.lang ??
    opts.language
  );
}

const PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10080,
  monthly: 43200,
  yearly: 525600,
};

function ttlMinutes(channel: XmlElement): number | undefined {
  const ttl = Number(trimmedText(first(channel, CORE, 'ttl')));
  if (Number.isFinite(ttl) && ttl > 0) return ttl;
  const period = trimmedText(first(channel, [NS.sy], 'updateperiod'))?.toLowerCase();
  if (!period || !PERIOD_MINUTES[period]) return undefined;
  const frequency = Number(trimmedText(first(channel, [NS.sy], 'updatefrequency')) ?? 1) || 1;
  return PERIOD_MINUTES[period] / frequency;
}

/** The channel's own fields (its items are read one by one, apart). */
function rssFeed(
  root: XmlElement,
  opts: ParseOptions,
  warnings: string[],
): Omit<RawFeed, 'entries' | 'warnings' | 'refused'> {
  const isRdf = root.local === 'rdf';
  const channel = first(root, CORE, 'channel') ?? root;
  const date = (namespaces: readonly string[], local: string) =>
    feedDate(trimmedText(first(channel, namespaces, local)), `channel ${local}`, opts.timezone, warnings);
  const version = isRdf
    ? root.children.some((c) => typeof c !== 'string' && c.ns === NS.rss090)
      ? '0.90'
      : '1.0'
    : (attr(root, 'version') ?? '2.0');
  return {
    format: isRdf ? 'rdf' : 'rss',
    version,
    title: rssText(first(channel, CORE, 'title') ?? first(channel, DC, 'title'), 'text'),
    link: resolveUrl(
      trimmedText(first(channel, CORE, 'link')) ??
        attr(
          all(channel, ATOM, 'link').find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate'),
          'href',
        ),
      channel.base,
    ),
    description: rssText(
      first(channel, CORE, 'description') ?? first(channel, DC, 'description') ?? first(channel, ATOM, 'subtitle'),
      'html',
    ),
    language: channelLanguage(channel, opts),
    updated:
      date(CORE, 'lastbuilddate') ??
      date(DC, 'date') ??
      date([NS.dcterms], 'modified') ??
      date(CORE, 'pubdate') ??
      date(ATOM, 'updated'),
    ttlMinutes: ttlMinutes(channel),
    skipHours: all(first(channel, CORE, 'skiphours') ?? channel, CORE, 'hour')
      .map((h) => Number(trimmedText(h)))
      .filter((h) => Number.isInteger(h) && h >= 0 && h <= 24),
    skipDays: all(first(channel, CORE, 'skipdays') ?? channel, CORE, 'day')
      .map((d) => trimmedText(d) ?? '')
      .filter(Boolean),
  };
}

/**
 * An RSS or RDF document's reader: its entries are the items of its (first) channel and, as RSS
 * 1.0 and 0.90 put them and some RSS 2.0 feeds do too, those beside it. Each is read with what the
 * channel said before it (its language, its author). An RSS root in a namespace of its own is read
 * as RSS without one.
 */
export function rssReader(root: XmlElement, opts: ParseOptions, warnings: string[]): FeedReader {
  const channel = () => first(root, CORE, 'channel') ?? root;
  return {
    adopt: root.local === 'rdf' ? undefined : '',
    isEntry: (element, parent, depth) =>
      is(element, CORE, 'item') && (depth === 1 || (depth === 2 && parent === channel())),
    entry: (element) =>
      rssEntry(
        element,
        { language: channelLanguage(channel(), opts), author: channelAuthor(channel()) },
        opts,
        warnings,
      ),
    feed: () => rssFeed(root, opts, warnings),
  };
}
