// Entries without any date. Taking the fetch time for them (as before) put the Japan Times' 118
// undated items at the top of every list as "today", years away from their wire copies. Miniflux
// and FreshRSS fall back on the fetch time too, but a feed that dates itself says better: its
// channel pubDate or lastBuildDate (RSS), its feed updated (Atom). Down the document the dates step
// back a second at a time, so that the feed's own order is kept.
import type { RawFeed } from '../parse/types.js';
import type { IdentifiedEntry } from './identity.js';

const SECOND = 1_000;
const DAY = 86_400_000;

/** The date an undated entry at `position` (from 1) gets: the feed's date (or `now`), a second earlier per place. */
function undatedDate(feedUpdated: Date | undefined, position: number, now: Date): Date {
  const base = feedUpdated && feedUpdated.getTime() <= now.getTime() + DAY ? feedUpdated : now;
  return new Date(Math.min(base.getTime(), now.getTime()) - (position - 1) * SECOND);
}

/** Dates the entries that have none, by their place in the feed; the others are left as they are. */
export function dateUndated(entries: IdentifiedEntry[], feed: Pick<RawFeed, 'updated'>, now: Date): IdentifiedEntry[] {
  return entries.map((e) =>
    e.raw.published || e.raw.updated ? e : { ...e, undatedAt: undatedDate(feed.updated, e.position, now) },
  );
}
