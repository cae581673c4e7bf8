// Which entries of a feed are kept (its first maxItems), and the identity of each within its
// source: guid; guid + link where the feed repeats a guid; link; a hash of title, date and content.
// It needs the whole feed (a repeated guid is only seen whole), so it runs before entries are
// split into batches.
import { createHash } from 'node:crypto';
import { canonicalUrl } from '../lib/urls.js';
import type { RawEntry, RawFeed } from '../parse/types.js';

export interface IdentifiedEntry {
  raw: RawEntry;
  identity: string;
  /** The canonical link (tracking parameters removed), when there is one. */
  link?: string;
  /** A hash of the entry as parsed, once it is known (see skipUnchanged). */
  rawHash?: string;
}

export interface IdentifyOptions {
  maxItems?: number;
  /** More query parameters to strip from links. */
  trackingParams?: readonly string[];
}

export function identifyEntries(feed: RawFeed, opts: IdentifyOptions): IdentifiedEntry[] {
  const entries = opts.maxItems ? feed.entries.slice(0, opts.maxItems) : feed.entries;
  const links = entries.map((e) => canonicalUrl(e.link, e.base, opts.trackingParams));
  const counts = new Map<string, number>();
  for (const e of entries) if (e.id) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  return entries.map((raw, i) => {
    const link = links[i];
    if (raw.id) return { raw, link, identity: counts.get(raw.id)! > 1 && link ? `${raw.id}\n${link}` : raw.id };
    if (link) return { raw, link, identity: link };
    const basis = JSON.stringify([raw.title?.value, raw.published?.getTime(), raw.content?.value ?? raw.summary?.value]);
    return { raw, link, identity: `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}` };
  });
}
