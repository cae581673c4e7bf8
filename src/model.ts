// The canonical model. Everything after parse/ and normalize/ sees these types; no I/O here.

export interface Tag {
  /** URL-safe key: NFC, lowercase, spaces as hyphens. One tag per slug. */
  slug: string;
  /** How people write it. */
  label: string;
}

export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

/** One normalized entry of a source, before it is stored. */
export interface Entry {
  /** Unique within its source: the guid, the link, a path or a hash (see normalize/identity). */
  identity: string;
  title: string;
  /** The original's canonical URL, when it has one (seed documents have none). */
  link?: string;
  published: Date;
  updated?: Date;
  author?: string;
  /** Plain text. */
  summary: string;
  /** Sanitized HTML. */
  content: string;
  tags: Tag[];
  enclosures: Enclosure[];
  language?: string;
  /** Plain text of the content, made by normalize: what search indexes and dedupe compares. */
  text?: string;
  /** Computed by normalize, used by dedupe; not part of what readers see. */
  fingerprint?: Fingerprint;
  /** A hash of the entry as parsed: the same hash at the next fetch means nothing to normalize. */
  rawHash?: string;
  /** A hash of what readers see (normalize makes it off the main thread; else the store does). */
  contentHash?: string;
}

export interface Fingerprint {
  /** Hash of the normalized title and text. */
  exact: string;
  /** Sorted, unique hashes of the text's word 3-shingles. */
  shingles: Uint32Array;
  /** Locality-sensitive (MinHash band) keys. */
  bands: number[];
}

/** How an article joined its story, for `tidings explain`. */
export interface StoryLink {
  story: string;
  canonical: boolean;
  rule?: 'url' | 'fingerprint' | 'near';
  /** The article it was matched with. */
  matchedWith?: string;
  /** Overlap coefficient for near duplicates; 1 for exact rules. */
  score?: number;
}

/** A stored entry. */
export interface Article extends Entry {
  id: string;
  source: string;
  contentHash: string;
  firstSeen: Date;
  updated: Date;
}

export interface Refusal {
  file: string;
  reason: string;
}

export interface RefreshResult {
  source: string;
  ok: boolean;
  new: number;
  updated: number;
  unchanged: number;
  refused: Refusal[];
  warnings: string[];
  error?: string;
  /** HTTP 304: nothing was parsed. */
  notModified?: boolean;
  /** Why the source was not fetched at all (gone, or asked to wait). */
  skipped?: string;
  durationMs?: number;
}
