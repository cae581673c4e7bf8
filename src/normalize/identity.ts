// Which entries of a feed are kept (its newest maxItems, one per identity), and the identity of each
// within its source: guid; guid + link where the feed repeats a guid; link; a hash of title, date
// and content.
// It needs the whole feed (a repeated guid is only seen whole), so it runs before entries are
// split into batches. Guids and links are made safe first (see lib/xml-chars), so that two entries
// that differ only by a character no store keeps are one.
import { createHash } from 'node:crypto';
import { canonicalUrl } from '../lib/urls.js';
import { safeText } from '../lib/xml-chars.js';
import type { RawEntry, RawFeed } from '../parse/types.js';

export interface IdentifiedEntry {
  raw: RawEntry;
  /** Its place in the feed, from 1: how a refused entry is named. */
  position: number;
  identity: string;
  /** The canonical link (tracking parameters removed), when there is one. */
  link?: string;
  /** A hash of the entry as parsed, once it is known (see skipUnchanged). */
  rawHash?: string;
  /** An entry without a date: the date it gets from the feed and its place in it (see undated.ts). */
  undatedAt?: Date;
}

export interface IdentifyOptions {
  maxItems?: number;
  /** More query parameters to strip from links. */
  trackingParams?: readonly string[];
}

/**
 * The places (from 0, in feed order) of the newest `max` entries, by their date (published, else
 * updated); undated ones after the dated, in feed order. A feed lists its newest first as a rule,
 * but not always: keeping its first entries kept the oldest of a feed in date order.
 */
function newest(entries: readonly RawEntry[], max: number | undefined): number[] {
  const all = entries.map((_, i) => i);
  if (!max || entries.length <= max) return all;
  const time = (i: number) => {
    const t = (entries[i]!.published ?? entries[i]!.updated)?.getTime();
    return t !== undefined && Number.isFinite(t) ? t : -Infinity;
  };
  return all.sort((a, b) => time(b) - time(a) || a - b).slice(0, max).sort((a, b) => a - b);
}

export function identifyEntries(feed: RawFeed, opts: IdentifyOptions): IdentifiedEntry[] {
  const places = newest(feed.entries, opts.maxItems);
  const entries = places.map((i) => feed.entries[i]!);
  const links = entries.map((e) => canonicalUrl(e.link && safeText(e.link), e.base, opts.trackingParams));
  const ids = entries.map((e) => e.id && safeText(e.id));
  const counts = new Map<string, number>();
  for (const id of ids) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  const identified = entries.map((raw, i): IdentifiedEntry => {
    const [link, id, position] = [links[i], ids[i], places[i]! + 1];
    if (id) return { raw, position, link, identity: counts.get(id)! > 1 && link ? `${id}\n${link}` : id };
    if (link) return { raw, position, link, identity: link };
    const basis = JSON.stringify([raw.title?.value, raw.published?.getTime(), raw.content?.value ?? raw.summary?.value]);
    return { raw, position, link, identity: `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}` };
  });
  // One entry per identity: where a feed repeats one (the same guid and link twice), the last
  // wins, at every fetch alike, so that the stored article does not flip between the two.
  const last = new Map(identified.map((e, i) => [e.identity, i]));
  return identified.filter((e, i) => last.get(e.identity) === i);
}
