// What the parse layer hands to normalize: one shape for every format.
import type { DocumentStamp, Enclosure, Refusal } from '../model.js';

/** A text construct. XHTML is serialized to HTML by the parser; `base` resolves its relative URLs. */
export interface Text {
  type: 'text' | 'html';
  value: string;
  base?: string;
}

export interface RawTag {
  term: string;
  label?: string;
}

export interface RawEntry {
  id?: string;
  title?: Text;
  link?: string;
  published?: Date;
  updated?: Date;
  author?: string;
  summary?: Text;
  content?: Text;
  tags: RawTag[];
  enclosures: Enclosure[];
  language?: string;
  /** The entry's in-scope base URL. */
  base?: string;
}

type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json' | 'seeds';

export interface RawFeed {
  format: FeedFormat;
  /** "2.0", "0.91", "1.0", "0.3", "1.1"… */
  version: string;
  title?: Text;
  link?: string;
  description?: Text;
  language?: string;
  updated?: Date;
  /** What the feed says of how often to poll, in minutes (RSS ttl, sy:updatePeriod). */
  ttlMinutes?: number;
  skipHours: number[];
  skipDays: string[];
  entries: RawEntry[];
  /** Why the document was ill-formed, when it was (it was still read). */
  bozo?: string;
  warnings: string[];
  /** Entries (or seed documents) that could not be read, each with its place and the reason. */
  refused: Refusal[];
  /** Seed folders: each document read, and how many were skipped unread (unchanged since last read). */
  documents?: { stamps: DocumentStamp[]; unchanged: number; present?: string[] };
}

/** A feed without its entries: what it says of itself. */
export type FeedMeta = Omit<RawFeed, 'entries'>;

export interface ParseOptions {
  /** The document's URL: the base for relative links. */
  url?: string;
  /** Zone for dates without one. */
  timezone?: string;
  /** Default language (HTTP Content-Language). */
  language?: string;
}
