// Which entries of a feed are kept (its newest maxItems, one per identity), and the identity of each
// within its source: guid; guid + link where the feed repeats a guid; link; a hash of title, date
// and content.
// It needs every kept entry (a repeated guid is only seen whole), so it runs once the feed is read,
// on the newest maxItems, before entries are split into batches. Guids and links are made safe first (see lib/xml-chars), so that two entries
// that differ only by a character no store keeps are one.
import { createHash } from 'node:crypto';
import { canonicalUrl } from '../lib/urls.js';
import { safeText } from '../lib/xml-chars.js';
import type { RawEntry } from '../parse/types.js';

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

/** An entry as read, with its place in the feed (from 1). */
export interface PlacedEntry {
  raw: RawEntry;
  position: number;
}

/** An entry's date for keeping the newest: published, else updated; undated ones are the oldest. */
function timeOf({ raw }: PlacedEntry): number {
  const t = (raw.published ?? raw.updated)?.getTime();
  return t !== undefined && Number.isFinite(t) ? t : -Infinity;
}

/** Whether `a` goes before `b` among the newest: later, else earlier in the feed. */
const newer = (a: PlacedEntry, b: PlacedEntry) =>
  timeOf(a) > timeOf(b) || (timeOf(a) === timeOf(b) && a.position < b.position);

/**
 * The newest `max` entries of a feed read one entry at a time, by their date (published, else
 * updated), undated ones after the dated, in feed order: a feed lists its newest first as a rule,
 * but not always (keeping its first entries kept the oldest of a feed in date order). What is held
 * is at most `max` entries, whatever the feed's length: a heap whose top is the one to drop first.
 */
export class NewestEntries {
  private readonly heap: PlacedEntry[] = [];

  constructor(private readonly max = Infinity) {}

  add(entry: PlacedEntry): void {
    const heap = this.heap;
    if (heap.length < this.max) {
      heap.push(entry);
      this.up(heap.length - 1);
    } else if (heap.length && newer(entry, heap[0]!)) {
      heap[0] = entry;
      this.down(0);
    }
  }

  /** How many are held. */
  get size(): number {
    return this.heap.length;
  }

  /** Those kept, in feed order. */
  entries(): PlacedEntry[] {
    return [...this.heap].sort((a, b) => a.position - b.position);
  }

  private up(i: number): void {
    const heap = this.heap;
    for (let parent = (i - 1) >> 1; i > 0 && newer(heap[parent]!, heap[i]!); i = parent, parent = (i - 1) >> 1) {
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      let oldest = i;
      for (const child of [2 * i + 1, 2 * i + 2])
        if (child < heap.length && newer(heap[oldest]!, heap[child]!)) oldest = child;
      if (oldest === i) return;
      [heap[oldest], heap[i]] = [heap[i]!, heap[oldest]!];
      i = oldest;
    }
  }
}

/** The entries of a whole feed, placed. */
export const placed = (entries: readonly RawEntry[]): PlacedEntry[] =>
  entries.map((raw, i) => ({ raw, position: i + 1 }));

/** The newest `max` entries of a whole feed, placed, in feed order. */
export function newestOf(entries: readonly RawEntry[], max?: number): PlacedEntry[] {
  const kept = new NewestEntries(max);
  for (const entry of placed(entries)) kept.add(entry);
  return kept.entries();
}

/** Who each kept entry is within its source; one entry per identity. */
export function identifyEntries(kept: readonly PlacedEntry[], opts: IdentifyOptions): IdentifiedEntry[] {
  const entries = kept.map((e) => e.raw);
  const links = entries.map((e) => canonicalUrl(e.link && safeText(e.link), e.base, opts.trackingParams));
  const ids = entries.map((e) => e.id && safeText(e.id));
  const counts = new Map<string, number>();
  for (const id of ids) if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  const identified = entries.map((raw, i): IdentifiedEntry => {
    const [link, id, position] = [links[i], ids[i], kept[i]!.position];
    if (id) return { raw, position, link, identity: counts.get(id)! > 1 && link ? `${id}\n${link}` : id };
    if (link) return { raw, position, link, identity: link };
    const basis = JSON.stringify([
      raw.title?.value,
      raw.published?.getTime(),
      raw.content?.value ?? raw.summary?.value,
    ]);
    return { raw, position, link, identity: `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}` };
  });
  // One entry per identity: where a feed repeats one (the same guid and link twice), the last
  // wins, at every fetch alike, so that the stored article does not flip between the two.
  const last = new Map(identified.map((e, i) => [e.identity, i]));
  return identified.filter((e, i) => last.get(e.identity) === i);
}
