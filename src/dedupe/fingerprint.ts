// Fingerprints for dedupe: an exact content fingerprint, word 3-shingles, and MinHash band keys
// for a locality-sensitive index (the whole text, and its lead for excerpts).
import { createHash } from 'node:crypto';
import type { Entry, Fingerprint } from '../model.js';

export const LEAD_SHINGLES = 40;
const FULL_BANDS = 10;
const LEAD_BANDS = 4;
const ROWS = 2;

/** Lowercase words, NFKC, letters and digits only: markup, punctuation and case do not count. */
export function words(text: string): string[] {
  // Plain ASCII (most English feeds) takes the cheap path; the result is the same.
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

// FNV-1a, 32 bits: fast and good enough to spread words.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// murmur3's finalizer: a good 32-bit mix.
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isWordChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57);
const step = (h: number, c: number) => Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);

/**
 * FNV-1a hashes of the words of `text`, as `words` finds them. Plain ASCII (most English feeds) is
 * scanned in place, without making a string per word; the hashes are the same.
 */
export function wordHashes(text: string): Uint32Array {
  if (/[^\x00-\x7f]/.test(text)) return Uint32Array.from(words(text), fnv1a);
  const out = new Uint32Array((text.length >> 1) + 1);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i += 1;
      continue;
    }
    let h = 0x811c9dc5;
    for (; i < text.length && isWordChar((c = text.charCodeAt(i))); i += 1) h = step(h, c);
    // [a-z0-9]+ then, maybe, an apostrophe and letters: "don't", "o'clock".
    if (c === 39 && isLetter(text.charCodeAt(i + 1))) {
      h = step(h, c);
      for (i += 1; i < text.length && isLetter((c = text.charCodeAt(i))); i += 1) h = step(h, c);
    }
    out[n++] = h >>> 0;
  }
  return out.subarray(0, n);
}

/** A hash per word 3-shingle, from the words' own hashes: each word is hashed once. */
export function shingleHashes(wh: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.max(0, wh.length - 2));
  for (let i = 0; i < out.length; i += 1) out[i] = mix(Math.imul(wh[i]!, 0x9e3779b1) ^ Math.imul(wh[i + 1]!, 0x85ebca77) ^ wh[i + 2]!);
  return out;
}

/** The distinct values, sorted: a sorted copy with repeats squeezed out (no Set, which costs 3×). */
function distinctSorted(values: Uint32Array): Uint32Array {
  const sorted = values.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i += 1) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.slice(0, n);
}

// MinHash: K hash functions h_k(x) = mix(x XOR seed_k), seeds fixed so that every process agrees.
const SEEDS = Uint32Array.from({ length: (FULL_BANDS + LEAD_BANDS) * ROWS }, (_, i) => createHash('sha256').update(`tidings-minhash-${i}`).digest().readUInt32BE(0));

/**
 * One-permutation MinHash for long texts: each shingle is hashed once and kept as the minimum of
 * its bucket (k buckets), so the cost is one hash per shingle whatever k is.
 */
function oneHashMinhash(hashes: Uint32Array, count: number): Uint32Array {
  const mins = new Uint32Array(count).fill(0xffffffff);
  const seed = SEEDS[0]!;
  for (const x of hashes) {
    const h = mix(x ^ seed);
    const bucket = h % count;
    if (h < mins[bucket]!) mins[bucket] = h;
  }
  return mins;
}

function minhash(hashes: Uint32Array, from: number, count: number): Uint32Array {
  const mins = new Uint32Array(count).fill(0xffffffff);
  for (const x of hashes) {
    for (let k = 0; k < count; k += 1) {
      const h = mix(x ^ SEEDS[from + k]!);
      if (h < mins[k]!) mins[k] = h;
    }
  }
  return mins;
}

function bandKeys(signature: Uint32Array, firstBand: number): number[] {
  const keys: number[] = [];
  for (let b = 0; b * ROWS < signature.length; b += 1) {
    let h = 0;
    for (let r = 0; r < ROWS; r += 1) h = mix(h ^ signature[b * ROWS + r]!);
    keys.push((firstBand + b) * 2 ** 32 + h);
  }
  return keys;
}

const SEPARATOR = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0]);

export function fingerprint(title: string, text: string): Fingerprint {
  const textWords = wordHashes(text);
  const all = shingleHashes(textWords);
  // The word sequences, as hashes: a different word in the same place is a different hash.
  const exact = createHash('sha256').update(wordHashes(title)).update(SEPARATOR).update(textWords).digest('hex').slice(0, 32);
  const shingles = distinctSorted(all);
  if (!all.length) return { exact, shingles, bands: [] };
  const full = oneHashMinhash(all, FULL_BANDS * ROWS);
  const lead = minhash(all.subarray(0, LEAD_SHINGLES), FULL_BANDS * ROWS, LEAD_BANDS * ROWS);
  return { exact, shingles, bands: [...bandKeys(full, 0), ...bandKeys(lead, FULL_BANDS)] };
}

/** The dedupe stage's first step, run with normalizing off the main thread: each entry's fingerprint. */
export function fingerprintEntries(entries: Entry[]): Entry[] {
  for (const entry of entries) entry.fingerprint = fingerprint(entry.title, entry.text);
  return entries;
}

/** |A ∩ B| of two sorted sets. */
export function intersection(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i += 1;
    else if (a[i]! > b[j]!) j += 1;
    else {
      n += 1;
      i += 1;
      j += 1;
    }
  }
  return n;
}

/** Overlap coefficient: |A ∩ B| / min(|A|, |B|): 1 when one text is an excerpt of the other. */
export function overlap(a: Uint32Array, b: Uint32Array): number {
  const smaller = Math.min(a.length, b.length);
  return smaller ? intersection(a, b) / smaller : 0;
}

/** Jaccard similarity of two sorted sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const inter = intersection(a, b);
  const union = a.length + b.length - inter;
  return union ? inter / union : 0;
}

/** Jaccard similarity of the titles' word sets. */
export function titleSimilarity(a: string, b: string): number {
  const wa = new Set(words(a));
  const wb = new Set(words(b));
  let inter = 0;
  for (const w of wa) if (wb.has(w)) inter += 1;
  const union = wa.size + wb.size - inter;
  return union ? inter / union : 0;
}

export interface NearThresholds {
  /** Both texts need at least this many distinct shingles: short boilerplate never merges. */
  minShingles: number;
  /** Overlap coefficient that, with similar titles, makes one story. */
  overlap: number;
  /** Title similarity needed at that overlap. */
  titleSimilarity: number;
  /** Overlap that makes one story whatever the titles say. */
  strongOverlap: number;
}

export const DEFAULT_NEAR: NearThresholds = { minShingles: 25, overlap: 0.5, titleSimilarity: 0.2, strongOverlap: 0.8 };

export interface Comparison {
  overlap: number;
  title: number;
  same: boolean;
}

/** The near-duplicate rule's confirmation of one candidate pair. */
export function compare(a: { title: string; shingles: Uint32Array }, b: { title: string; shingles: Uint32Array }, t: NearThresholds = DEFAULT_NEAR): Comparison {
  const o = overlap(a.shingles, b.shingles);
  const title = titleSimilarity(a.title, b.title);
  const long = a.shingles.length >= t.minShingles && b.shingles.length >= t.minShingles;
  return { overlap: o, title, same: long && (o >= t.strongOverlap || (o >= t.overlap && title >= t.titleSimilarity)) };
}
