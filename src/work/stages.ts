// The stages that may run off the main thread, by name. A job is a list of stages, chosen by the
// orchestrator (refresh.ts); each stage takes the output of the one before it.
import { eventTermsOf } from '../dedupe/event-terms.js';
import { fingerprintEntries } from '../dedupe/fingerprint.js';
import { readSeedFolder, type SeedFolder } from '../ingest/seeds.js';
import {
  identifyEntries,
  NewestEntries,
  placed,
  type IdentifiedEntry,
  type IdentifyOptions,
  type PlacedEntry,
} from '../normalize/identity.js';
import { decodePage, extractArticle, withFullText } from '../normalize/full-text.js';
import { normalizeEntries, oldestFirst, skipUnchanged, type NormalizeOptions } from '../normalize/normalize-entry.js';
import { dateUndated } from '../normalize/undated.js';
import { parseFeed, readFeed, type FeedDocument } from '../parse/parse-feed.js';
import { parseSeeds, type SeedOptions } from '../parse/seed.js';
import type { DocumentStamp, Entry } from '../model.js';
import type { FeedMeta, RawFeed } from '../parse/types.js';

/** A feed read, with the entries kept of it (its newest maxItems), each with its place. */
export interface ParsedFeed {
  feed: FeedMeta;
  entries: PlacedEntry[];
}

/** A feed's entries on their way through the stages: those still to normalize, and those done. */
export interface Batch {
  feed: FeedMeta;
  todo: IdentifiedEntry[];
  done: Entry[];
  /** How many entries were dropped as stored unchanged. */
  unchanged: number;
}

export const STAGES = {
  /** ingest: the seed documents of a folder that changed since they were last read. */
  readSeeds: (input: { dir: string; maxBytes: number; known: Record<string, DocumentStamp> }): SeedFolder =>
    readSeedFolder(input.dir, input.maxBytes, input.known),
  /** parse: seed documents as one feed; files the reader refused stay refused. */
  parseSeeds: (folder: SeedFolder, options: SeedOptions): ParsedFeed => {
    const { entries, ...feed } = parseSeeds(folder.files, options);
    // A document refused now is read again next time, and refused again: its error stays in view.
    const refused = new Set(feed.refused.map((r) => folder.files.find((f) => f.file === r.file)?.identity));
    const stamps = folder.stamps.filter((s) => !refused.has(s.identity));
    const documents = { stamps, unchanged: folder.unchanged, present: folder.present };
    return { feed: { ...feed, refused: [...folder.refused, ...feed.refused], documents }, entries: placed(entries) };
  },
  /** parse: feed bytes, whole (for the commands that show a feed). */
  parseFeed: ({ bytes, doc }: { bytes: Uint8Array; doc: FeedDocument }): Promise<RawFeed> => parseFeed(bytes, doc),
  /**
   * parse: feed bytes, read an entry at a time, keeping only the newest `maxItems` (all without
   * it); with the document's stamp, to be stored with its entries.
   */
  parseNewest: async (
    { bytes, doc, stamp }: { bytes: Uint8Array; doc: FeedDocument; stamp?: DocumentStamp },
    options: { maxItems?: number },
  ): Promise<ParsedFeed> => {
    let kept!: NewestEntries;
    const feed = await readFeed(bytes, doc, () => {
      kept = new NewestEntries(options.maxItems);
      return (raw, position) => kept.add({ raw, position });
    });
    return { feed: stamp ? { ...feed, documents: { stamps: [stamp], unchanged: 0 } } : feed, entries: kept.entries() };
  },
  /** normalize: who each kept entry is; those without a date are dated from the feed's; oldest first, as they are stored. */
  identify: ({ feed, entries }: ParsedFeed, options: IdentifyOptions & { now?: Date }): Batch => {
    const now = options.now ?? new Date();
    return {
      feed,
      todo: oldestFirst(dateUndated(identifyEntries(entries, options), feed, now), now),
      done: [],
      unchanged: feed.documents?.unchanged ?? 0,
    };
  },
  /** normalize: entries stored exactly so already go no further. */
  skipUnchanged: (batch: Batch, options: NormalizeOptions): Batch => {
    const { entries, unchanged } = skipUnchanged(batch.todo, options);
    return { ...batch, todo: entries, unchanged: batch.unchanged + unchanged };
  },
  /** normalize: entries as readers will see them; at most `limit` of them, the rest stay to do. Refused ones join the feed's. */
  normalize: (batch: Batch, options: NormalizeOptions & { limit?: number }): Batch => {
    const now = options.limit === undefined ? batch.todo : batch.todo.slice(0, options.limit);
    const { entries, refused } = normalizeEntries(now, options);
    const feed = refused.length ? { ...batch.feed, refused: [...batch.feed.refused, ...refused] } : batch.feed;
    return { ...batch, feed, todo: batch.todo.slice(now.length), done: [...batch.done, ...entries] };
  },
  /** dedupe: each normalized entry's fingerprint. */
  fingerprint: (batch: Batch): Batch => ({ ...batch, done: fingerprintEntries(batch.done) }),
  /** normalize: an article page's text, extracted and sanitized (full text, issue 24). */
  extractArticle: (
    { bytes, contentType, url }: { bytes: Uint8Array; contentType?: string; url: string },
    options: { selector?: string },
  ): string => extractArticle(decodePage(bytes, contentType), url, options.selector),
  /** normalize + dedupe: an entry with its full text, fingerprinted again (dedupe compares the article). */
  withFullText: ({ entry, content }: { entry: Entry; content: string }): Entry =>
    fingerprintEntries([withFullText(entry, content)])[0]!,
  /** dedupe: each entry's terms for events (loads the language model on first use). */
  eventTerms: async (batch: Batch): Promise<Batch> => ({ ...batch, done: await eventTermsOf(batch.done) }),
};

import type { StageCall } from './stage-call.js';

/** Runs a job's stages in order, here. */
export async function runStages(stages: readonly StageCall[], input: unknown): Promise<unknown> {
  let value = input;
  for (const { name, options } of stages)
    value = await (STAGES[name] as (input: unknown, options: unknown) => unknown)(value, options);
  return value;
}
