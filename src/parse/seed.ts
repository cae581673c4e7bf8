// Local seed documents → raw entries, the same shape a feed's entries have: paragraphs, then a
// timestamp line, then a line of hashtags.
import { InputError, errorMessage } from '../errors.js';
import { looksLikeTimestamp, parseTimestamp } from '../lib/dates.js';
import { firstSentence, tagLabel } from '../lib/text.js';
import { headlineTags } from './headline-tags.js';
import type { RawEntry, RawFeed } from './types.js';

export const MAX_SEED_BYTES = 1024 * 1024;

export interface SeedOptions {
  timezone: string;
  titleFrom: 'hashtags' | 'first-sentence';
}

/** A seed file as read: where it is, its identity within its source and its bytes. */
export interface SeedDocument {
  /** The path that error messages name. */
  file: string;
  /** The path inside the source folder, "/"-separated: the article's identity. */
  identity: string;
  bytes: Uint8Array;
  /** Stands in for a missing timestamp line. */
  mtime?: Date;
}

export interface ParsedSeed {
  entry: RawEntry;
  warnings: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The tags of the last line when it is the hashtag line: every word starts with "#", or it follows
 * the timestamp line and some word does. A tag that is not a clean hashtag (`#R._Kelly`) is kept as
 * the text of the tag ("R. Kelly"); a word without "#" is skipped with a warning naming the line.
 */
function readHashtags(
  line: { text: string; line: number },
  afterTimestamp: boolean,
  file: string,
  warnings: string[],
): string[] | undefined {
  const words = line.text.split(/\s+/);
  const tags = words.filter((w) => w.startsWith('#'));
  if (!tags.length || (tags.length < words.length && !afterTimestamp)) return undefined;
  const skipped = [...words.filter((w) => !w.startsWith('#')), ...tags.filter((t) => !/[\p{L}\p{N}]/u.test(t))];
  if (skipped.length)
    warnings.push(
      `${file}:${line.line}: hashtag line: ${quoteSome(skipped)} skipped (each tag is "#" and a word, spaces written as _)`,
    );
  return tags.filter((t) => /[\p{L}\p{N}]/u.test(t)).map((t) => t.slice(1));
}

/** A few words, each cut short, for a warning: a 500 KB hashtag is not printed whole. */
function quoteSome(words: string[], most = 5): string {
  const quoted = words.slice(0, most).map((w) => JSON.stringify(w.length > 40 ? `${w.slice(0, 40)}…` : w));
  return quoted.join(', ') + (words.length > most ? ` and ${words.length - most} more` : '');
}

/** Bytes → text, refusing what is not UTF-8 text. The BOM is dropped by the decoder. */
function decodeSeed(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0) throw new InputError(`${file}: empty file`);
  if (bytes.length > MAX_SEED_BYTES) throw new InputError(`${file}: larger than 1 MiB (${bytes.length} bytes)`);
  if (bytes.includes(0)) throw new InputError(`${file}: not a text file (it contains NUL bytes)`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(`${file}: not UTF-8 text (invalid byte sequence)`);
  }
}

/** One seed document → one raw entry; throws an InputError naming the file (and line) otherwise. */
export function parseSeed(
  bytes: Uint8Array,
  file: string,
  identity: string,
  options: SeedOptions,
  mtime?: Date,
): ParsedSeed {
  const numbered = decodeSeed(bytes, file)
    .split(/\r\n|\r|\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((l) => l.text);
  if (numbered.length === 0) throw new InputError(`${file}: empty file (only white space)`);
  const warnings: string[] = [];

  const last = () => numbered.at(-1)?.text ?? '';
  const afterTimestamp = numbered.length > 1 && looksLikeTimestamp(numbered.at(-2)!.text);
  const hashtags = readHashtags(numbered.at(-1)!, afterTimestamp, file, warnings);
  // Below the timestamp, a line without one hashtag is still read, as the last paragraph.
  let below: { text: string; line: number } | undefined;
  if (hashtags) numbered.pop();
  else if (afterTimestamp) {
    below = numbered.pop()!;
    warnings.push(
      `${file}:${below.line}: the line after the timestamp is not a hashtag line (no word starts with "#"); read as a paragraph`,
    );
  }
  let published: Date | undefined;
  if (looksLikeTimestamp(last())) {
    const { text, line } = numbered.pop()!;
    published = parseTimestamp(text, options.timezone);
    if (!published) throw new InputError(`${file}:${line}: "${text}" is not a real date and time`);
  }
  const paragraphs = [...numbered, ...(below ? [below] : [])].map((l) => l.text);
  if (paragraphs.length === 0) throw new InputError(`${file}: no paragraph`);
  if (!published) {
    published = mtime ?? new Date();
    warnings.push(`${file}: no timestamp line; using the file's modification time ${published.toISOString()}`);
  }
  // The hashtags, joined, read as a headline ("Pakistan expels Iranian ambassador").
  const title =
    options.titleFrom === 'hashtags' && hashtags?.length
      ? hashtags.map(tagLabel).join(' ')
      : firstSentence(paragraphs[0]!);
  return {
    entry: {
      id: identity,
      title: { type: 'text', value: title },
      published,
      summary: { type: 'text', value: paragraphs[0]! },
      // Plain text, a blank line between paragraphs: normalize makes each one a <p>.
      content: { type: 'text', value: paragraphs.join('\n\n') },
      // A headline's hashtags are tags only where they name something (headline-tags.ts).
      tags: (options.titleFrom === 'hashtags' ? headlineTags(hashtags ?? []) : (hashtags ?? [])).map((term) => ({
        term,
      })),
      enclosures: [],
    },
    warnings,
  };
}

/** A source's seed documents as one feed; a document that cannot be read is refused, alone. */
export function parseSeeds(documents: readonly SeedDocument[], options: SeedOptions): RawFeed {
  const feed: RawFeed = {
    format: 'seeds',
    version: '1',
    skipHours: [],
    skipDays: [],
    entries: [],
    warnings: [],
    refused: [],
  };
  for (const doc of documents) {
    try {
      const { entry, warnings } = parseSeed(doc.bytes, doc.file, doc.identity, options, doc.mtime);
      feed.entries.push(entry);
      feed.warnings.push(...warnings);
    } catch (err) {
      feed.refused.push({ file: doc.file, reason: errorMessage(err).replace(`${doc.file}: `, '') });
    }
  }
  return feed;
}
