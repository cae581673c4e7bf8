// Which entries of a feed are kept (its first maxItems, one per identity), and the identity of each
// within its source: guid; guid + link where the feed repeats a guid; link; a hash of title, date
// and content.
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
  const identified = entries.map((raw, i): IdentifiedEntry => {
    const link = links[i];
    if (raw.id) return { raw, link, identity: counts.get(raw.id)! > 1 && link ? `${raw.id}\n${link}` : raw.id };
    if (link) return { raw, link, identity: link };
    const basis = JSON.stringify([raw.title?.value, raw.published?.getTime(), raw.content?.value ?? raw.summary?.value]);
    return { raw, link, identity: `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}` };
  });
  // One entry per identity: where a feed repeats one (the same guid and link twice), the last
  // wins, at every fetch alike, so that the stored article does not flip between the two.
  const last = new Map(identified.map((e, i) => [e.identity, i]));
  return identified.filter((e, i) => last.get(e.identity) === i);
}
