// Fingerprints for dedupe: an exact content fingerprint, word 3-shingles marked with their
// paragraph and whether they are quotation, and the keys of the near-duplicate index (MinHash bands
// of the whole text and its lead, and passage keys that find a text inside a longer one).
import { createHash } from 'node:crypto';
import { paragraphsOfSanitized } from '../lib/html-text.js';
import type { Entry, Fingerprint } from '../model.js';

const LEAD_SHINGLES = 40;
const FULL_BANDS = 10;
const LEAD_BANDS = 4;
const ROWS = 2;
/** Passage keys live in their own band, whatever the position of the passage in the text. */
const PASSAGE_BAND = 15;
/** Title keys too: teasers with next to no text are found by their headlines. */
const TITLE_BAND = 14;
const TITLE_KEYS = 6;
/** "Sport roundup", "Live updates": headlines of fewer words say nothing of the story. */
const MIN_TITLE_WORDS = 3;
/** Words a headline's keys leave out: two headlines sharing only these share nothing. */
const TITLE_STOPWORDS = new Set(
  'a an and as at by for from in into is of on or over says the to up with after new its it be are was will'.split(' '),
);
/** Every run of this many 5-word windows has its smallest window hash among the passage keys. */
const WINNOW = 64;

/** A shingle's mark: its paragraph (0–127, the last one standing for the rest), and this bit for quotation. */
export const QUOTED = 0x80;
const MAX_PARAGRAPH = 0x7f;

/**
 * Text as dedupe reads it: NFKC, curly quotes and apostrophes straight, guillemets as quotes, every
 * dash a hyphen. "Trump’s" and "Trump's" are one word.
 */
function foldText(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  return text
    .normalize('NFKC')
    .replace(/[‘’‚‛]/g, "'")
    .replace(/[“”„‟«»]/g, '"')
    .replace(/[‐‑‒–—―−]/g, '-');
}

/** Lowercase words of folded text, letters and digits only: markup, punctuation and case do not count. */
function words(text: string): string[] {
  return (
    foldText(text)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:'\p{L}+)?/gu) ?? []
  );
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

/** Each word's hash, and its mark: the paragraph it is in (one a line) and whether it is between quotation marks. */
interface Tokens {
  hashes: Uint32Array;
  marks: Uint8Array;
}

/**
 * The words of `text`, as `words` finds them, hashed and marked. A quotation opened and not closed
 * ends with its paragraph (news style opens each paragraph of a long quotation again). Plain ASCII
 * (most English feeds) is scanned in place, without making a string per word; the result is the same.
 */
function tokens(raw: string): Tokens {
  const text = foldText(raw);
  const hashes = new Uint32Array((text.length >> 1) + 1);
  const marks = new Uint8Array(hashes.length);
  let n = 0;
  let paragraph = 0;
  let quoted = 0;
  const punctuation = (c: number) => {
    if (c === 34) quoted ^= QUOTED;
    else if (c === 10) {
      paragraph = Math.min(MAX_PARAGRAPH, paragraph + 1);
      quoted = 0;
    }
  };
  if (/[^\x00-\x7f]/.test(text)) {
    for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:'\p{L}+)?|["\n]/gu)) {
      if (m[0] === '"' || m[0] === '\n') punctuation(m[0].charCodeAt(0));
      else {
        hashes[n] = fnv1a(m[0]);
        marks[n++] = paragraph | quoted;
      }
    }
    return { hashes: hashes.slice(0, n), marks: marks.slice(0, n) };
  }
  for (let i = 0; i < text.length; ) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      punctuation(c);
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
    hashes[n] = h >>> 0;
    marks[n++] = paragraph | quoted;
  }
  return { hashes: hashes.slice(0, n), marks: marks.slice(0, n) };
}

/** A hash per word 3-shingle, from the words' own hashes: each word is hashed once. */
function shingleHashes(wh: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.max(0, wh.length - 2));
  for (let i = 0; i < out.length; i += 1)
    out[i] = mix(Math.imul(wh[i]!, 0x9e3779b1) ^ Math.imul(wh[i + 1]!, 0x85ebca77) ^ wh[i + 2]!);
  return out;
}

/**
 * The distinct shingles, sorted, each with its mark: a shingle's middle word says whether it is
 * quotation; a shingle seen more than once keeps its first paragraph, unquoted if it ever is.
 */
function markedShingles(all: Uint32Array, wordMarks: Uint8Array): { shingles: Uint32Array; marks: Uint8Array } {
  // hash × 256 + mark is exact in a float64, and sorting those sorts by hash, then by mark.
  const packed = new Float64Array(all.length);
  for (let i = 0; i < all.length; i += 1) packed[i] = all[i]! * 256 + wordMarks[i + 1]!;
  packed.sort();
  const shingles = new Uint32Array(all.length);
  const marks = new Uint8Array(all.length);
  let n = 0;
  let last = -1;
  for (const p of packed) {
    const hash = Math.floor(p / 256);
    if (hash === last) continue;
    last = hash;
    shingles[n] = hash;
    marks[n++] = p - hash * 256;
  }
  return { shingles: shingles.slice(0, n), marks: marks.slice(0, n) };
}

// MinHash: K hash functions h_k(x) = mix(x XOR seed_k), seeds fixed so that every process agrees.
const SEEDS = Uint32Array.from({ length: (FULL_BANDS + LEAD_BANDS + TITLE_KEYS) * ROWS }, (_, i) =>
  createHash('sha256').update(`tidings-minhash-${i}`).digest().readUInt32BE(0),
);

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

/** A one-permutation MinHash bucket no shingle fell in: a text of 30 shingles leaves about 21% of its 20 buckets so. */
const EMPTY = 0xffffffff;

/**
 * A key per band of ROWS rows, but none for a band with an empty row: texts that share only which
 * of their buckets are empty are not alike, and such a key was shared by every other short text
 * (at 1,000 articles a day, a short text was judged beside a dozen unrelated ones).
 */
function bandKeys(signature: Uint32Array, firstBand: number): number[] {
  const keys: number[] = [];
  for (let b = 0; b * ROWS < signature.length; b += 1) {
    if (signature.subarray(b * ROWS, (b + 1) * ROWS).includes(EMPTY)) continue;
    let h = 0;
    for (let r = 0; r < ROWS; r += 1) h = mix(h ^ signature[b * ROWS + r]!);
    keys.push((firstBand + b) * 2 ** 32 + h);
  }
  return keys;
}

/**
 * Passage keys, by winnowing (Schleimer, Wilkerson and Aiken, 2003). A window is 5 words (two
 * 3-shingles, two apart); of every run of WINNOW consecutive windows, the smallest hash is a key
 * (the rightmost, on a tie). Two texts that share WINNOW windows word for word (68 words) share a
 * key, whatever comes before or after and however the paragraphs fall, and a text looks up only
 * its own keys: about one window in 32, on either side. A smaller WINNOW finds shorter shared runs
 * but indexes more keys: at 32 (36 words), dedupe cost 71% on top of an ingest of 100,000 articles,
 * at 64 it costs 40%; the MinHash bands find the copies that share no long run.
 */
function passageKeys(all: Uint32Array): number[] {
  const windows = Math.max(0, all.length - 2);
  const hash = new Float64Array(windows);
  for (let i = 0; i < windows; i += 1) hash[i] = mix(Math.imul(all[i]!, 0x9e3779b1) ^ all[i + 2]!);
  const keys = new Set<number>();
  // The windows of the current run, their hashes increasing: the first is the run's smallest.
  const queue = new Int32Array(windows);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < windows; i += 1) {
    while (tail > head && hash[queue[tail - 1]!]! >= hash[i]!) tail -= 1;
    queue[tail++] = i;
    if (queue[head]! <= i - WINNOW) head += 1;
    if (i >= WINNOW - 1 || i === windows - 1) keys.add(PASSAGE_BAND * 2 ** 32 + hash[queue[head]!]!);
  }
  return [...keys];
}

/** Texts under this many shingles are short: their title keys are marked so (TEASER_BIT). */
const SHORT_TEXT = 200;
const TEASER_BIT = 1;
const isTitleKey = (key: number) => Math.floor(key / 2 ** 32) === TITLE_BAND;

/**
 * Title keys: MinHash of the headline's words (stopwords left out), TITLE_KEYS bands of two rows in
 * one band of the index. Headlines with a Jaccard similarity of 0.8 share a key 99.8% of the time, of
 * 0.6, 93%. A key's last bit says whether the text is short: only a teaser (a short text) is judged by
 * its headline, so two long texts need not find each other by theirs (lookupKeys).
 */
function titleKeys(title: string, short: boolean): number[] {
  const distinct = [...titleWords(title)];
  if (distinct.length < MIN_TITLE_WORDS) return [];
  const signature = minhash(Uint32Array.from(distinct, fnv1a), (FULL_BANDS + LEAD_BANDS) * ROWS, TITLE_KEYS * ROWS);
  const keys = new Set<number>();
  for (let b = 0; b < TITLE_KEYS; b += 1) {
    const hash = mix(mix(b ^ signature[b * ROWS]!) ^ signature[b * ROWS + 1]!);
    keys.add(TITLE_BAND * 2 ** 32 + ((hash & ~TEASER_BIT) >>> 0) + (short ? TEASER_BIT : 0));
  }
  return [...keys];
}

/**
 * The keys to look up for a fingerprint's keys: its own, but for title keys only the short texts'
 * (a long text is a teaser's copy or nothing by its headline), and both for a short text.
 */
export function lookupKeys(bands: readonly number[]): number[] {
  return bands.flatMap((key) => {
    if (!isTitleKey(key)) return [key];
    const asShort = key - (key % 2) + TEASER_BIT;
    return key % 2 ? [asShort, asShort - TEASER_BIT] : [asShort];
  });
}

const SEPARATOR = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0]);

/** The fingerprint of a title and a plain text with one paragraph a line. */
export function fingerprint(title: string, text: string): Fingerprint {
  const body = tokens(text);
  const all = shingleHashes(body.hashes);
  // The word sequences, as hashes: a different word in the same place is a different hash.
  const exact = createHash('sha256')
    .update(tokens(title).hashes)
    .update(SEPARATOR)
    .update(body.hashes)
    .digest('hex')
    .slice(0, 32);
  const { shingles, marks } = markedShingles(all, body.marks);
  const byTitle = titleKeys(title, all.length < SHORT_TEXT);
  if (!all.length) return { exact, shingles, marks, bands: byTitle };
  const full = oneHashMinhash(all, FULL_BANDS * ROWS);
  const lead = minhash(all.subarray(0, LEAD_SHINGLES), FULL_BANDS * ROWS, LEAD_BANDS * ROWS);
  return {
    exact,
    shingles,
    marks,
    bands: [...bandKeys(full, 0), ...bandKeys(lead, FULL_BANDS), ...passageKeys(all), ...byTitle],
  };
}

/**
 * The dedupe stage's first step, run with normalizing off the main thread: each entry's fingerprint,
 * paragraph by paragraph (those normalize found as it sanitized the content, which go no further).
 */
export function fingerprintEntries(entries: Entry[]): Entry[] {
  for (const entry of entries) {
    const paragraphs = entry.paragraphs ?? (entry.content ? paragraphsOfSanitized(entry.content) : entry.text);
    delete entry.paragraphs;
    entry.fingerprint = fingerprint(entry.title, paragraphs);
  }
  return entries;
}

/** A headline's words that count: stopwords left out. */
const titleWords = (title: string) => new Set(words(title).filter((w) => !TITLE_STOPWORDS.has(w)));

/**
 * The share of the shorter headline's words (stopwords left out) that the other has; 0 when either
 * has too few words to say. "UPDATE 2-" and "- Reuters" cost nothing, "air strikes" for "airstrikes" one word.
 */
export function titleSimilarity(a: string, b: string): number {
  const wa = titleWords(a);
  const wb = titleWords(b);
  if (wa.size < MIN_TITLE_WORDS || wb.size < MIN_TITLE_WORDS) return 0;
  let inter = 0;
  for (const w of wa) if (wb.has(w)) inter += 1;
  return inter / Math.min(wa.size, wb.size);
}
