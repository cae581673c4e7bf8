// Planning an ingest: which of a source's entries are new, which were edited, which are stored
// unchanged and which stay deleted. The store answers the lookups; the decision is made here.
import type { Entry, IngestPlan } from '../model.js';

/** What the store found of an entry's identity. */
export interface KnownArticle {
  rowid: number;
  id: string;
  content_hash: string;
  /** Its index keys as stored; null: the article is left out of the index. */
  bands: Buffer | null;
}

/** A plan as the stores make it: the edited entries' rows ride along. */
export interface StorePlan extends IngestPlan {
  known: KnownArticle[];
}

export interface PlanLookups {
  known(identity: string): KnownArticle | undefined;
  /** Deleted or purged before: its identity or exact fingerprint left a tombstone. */
  isTombstoned(entry: Entry): boolean;
}

/** An unchanged article read again: its new raw hash, and the normalizer that found it unchanged. */
interface Rehash {
  rowid: number;
  rawHash: string;
  normalizer: number | null;
}

/**
 * The plan, and the unchanged articles whose raw hash is new (to remember, so that normalize can
 * skip them next time; after an upgrade, with the new normalizer's version).
 */
export function planIngest(
  source: string,
  entries: readonly Entry[],
  lookups: PlanLookups,
): { plan: StorePlan; rehash: Rehash[] } {
  const plan: StorePlan = { source, fresh: [], edited: [], unchanged: 0, keptOut: 0, known: [] };
  const rehash: Rehash[] = [];
  // One entry per identity: the last one given wins.
  for (const entry of new Map(entries.map((e) => [e.identity, e])).values()) {
    const known = lookups.known(entry.identity);
    if (known?.content_hash === entry.contentHash) {
      if (entry.rawHash)
        rehash.push({ rowid: known.rowid, rawHash: entry.rawHash, normalizer: entry.normalizer ?? null });
      plan.unchanged += 1;
    } else if (known) {
      plan.edited.push(entry);
      plan.known.push(known);
    } else if (lookups.isTombstoned(entry)) {
      plan.keptOut += 1;
    } else {
      plan.fresh.push(entry);
    }
  }
  return { plan, rehash };
}

/** The distinct entries of a batch (the last of each identity), for stores that look them all up at once. */
export const distinctEntries = (entries: readonly Entry[]): Entry[] => [
  ...new Map(entries.map((e) => [e.identity, e])).values(),
];
