// Local seed documents: paragraphs, then a timestamp line, then a line of hashtags.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fingerprint } from '../dedupe/fingerprint.js';
import { InputError } from '../errors.js';
import type { Entry } from '../model.js';
import { looksLikeTimestamp, parseTimestamp } from '../normalize/dates.js';
import { tagLabel, toTags } from '../normalize/tags.js';
import { escapeHtml, firstSentence } from '../normalize/text.js';

export const MAX_SEED_BYTES = 1024 * 1024;

export interface SeedOptions {
  timezone: string;
  titleFrom: 'hashtags' | 'first-sentence';
}

export interface ParsedSeed {
  entry: Entry;
  warnings: string[];
}

const HASHTAG = /^#[\p{L}\p{N}][\p{L}\p{N}\p{M}_-]*$/u;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function isHashtagLine(line: string): boolean {
  const words = line.split(/\s+/);
  return words.length > 0 && words.every((w) => HASHTAG.test(w));
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

/**
 * One seed document → one entry. `identity` is the file's path inside its source folder;
 * `mtime` stands in for a missing timestamp line.
 */
export function parseSeed(bytes: Uint8Array, file: string, identity: string, options: SeedOptions, mtime?: Date): ParsedSeed {
  const numbered = decodeSeed(bytes, file)
    .split(/\r\n|\r|\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((l) => l.text);
  if (numbered.length === 0) throw new InputError(`${file}: empty file (only white space)`);
  const warnings: string[] = [];

  const last = () => numbered.at(-1)?.text ?? '';
  const hashtags = isHashtagLine(last()) ? numbered.pop()!.text.split(/\s+/).map((w) => w.slice(1)) : [];
  let published: Date | undefined;
  if (looksLikeTimestamp(last())) {
    const { text, line } = numbered.pop()!;
    published = parseTimestamp(text, options.timezone);
    if (!published) throw new InputError(`${file}:${line}: "${text}" is not a real date and time`);
  }
  const lines = numbered.map((l) => l.text);
  if (lines.length === 0) throw new InputError(`${file}: no paragraph`);
  if (!published) {
    published = mtime ?? new Date();
    warnings.push(`${file}: no timestamp line; using the file's modification time ${published.toISOString()}`);
  }

  const tags = toTags(hashtags);
  const title =
    options.titleFrom === 'hashtags' && tags.length ? hashtags.map(tagLabel).join(' ') : firstSentence(lines[0]!);
  const text = lines.join(' ');
  return {
    entry: {
      identity,
      title,
      published,
      summary: lines[0]!,
      content: lines.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n'),
      tags,
      enclosures: [],
      text,
      fingerprint: fingerprint(title, text),
    },
    warnings,
  };
}

/** Every `*.txt` below `dir`, as paths relative to it with "/" separators, in name order. */
export function listSeedFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.txt'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

export function readSeedFile(dir: string, identity: string, options: SeedOptions): ParsedSeed {
  const path = join(dir, identity);
  const stat = statSync(path);
  if (stat.size > MAX_SEED_BYTES) throw new InputError(`${path}: larger than 1 MiB (${stat.size} bytes)`);
  return parseSeed(readFileSync(path), path, identity, options, stat.mtime);
}
