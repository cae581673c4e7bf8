// Plain-text helpers shared by every stage: escaping, white space, sentences, truncation, mojibake.
import { safeText } from './xml-chars.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// Only runs of white space and white space other than a plain space are replaced: most text has
// neither, and replacing every single space costs five times as much.
export function collapseWhitespace(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/** Cuts at a word boundary so the result, ellipsis included, has at most `max` characters. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 units are never fewer than characters
  // Walk max characters (code points): `cut` ends up after the first max - 1 of them.
  let end = 0;
  let cut = 0;
  for (let n = 0; n < max && end < text.length; n += 1) {
    if (n === max - 1) cut = end;
    end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  }
  if (end >= text.length) return text;
  const head = text.slice(0, cut);
  const space = head.search(/\s\S*$/);
  const kept = space > max / 2 ? head.slice(0, space) : head;
  return `${kept.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}

/** Made on first use: loading ICU's sentence rules costs a command that never needs them tens of ms. */
let sentences: Intl.Segmenter | undefined;

export function firstSentence(text: string, max = 120): string {
  sentences ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  const first = sentences.segment(text)[Symbol.iterator]().next().value?.segment ?? text;
  return truncateAtWord(collapseWhitespace(first), max);
}

// windows-1252 characters for the C1 control range, which feeds use by mistake ("demoronizing").
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009Džÿ';
const cp1252 = (code: number) => CP1252[code - 0x80]!;

/**
 * Repairs the two commonest encoding mistakes: C1 control characters meant as windows-1252, and
 * UTF-8 bytes read as Latin-1 ("â\u0080¦" for "…"), as characters or as numeric references.
 */
export function fixMojibake(text: string): string {
  if (!/[\u0080-\u00ff]|&#/.test(text)) return text;
  return text
    .replace(/[\u00c2-\u00f4][\u0080-\u00bf]{1,3}/g, (seq) => {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(seq, (c) => c.charCodeAt(0)));
      } catch {
        return seq;
      }
    })
    .replace(/[\u0080-\u009f]/g, (c) => cp1252(c.charCodeAt(0)))
    .replace(/&#(?:(1[2-5]\d)|[xX]([89][0-9a-fA-F]));/g, (whole, dec?: string, hex?: string) => {
      const code = dec ? Number(dec) : parseInt(hex!, 16);
      return code >= 0x80 && code <= 0x9f ? `&#x${cp1252(code).codePointAt(0)!.toString(16)};` : whole;
    });
}

/** A tag label as a person reads it: NFC, "_" as a space, no markup characters, only safe ones. */
export function tagLabel(raw: string): string {
  return safeText(raw).normalize('NFC').replace(/_/g, ' ').replace(/[<>]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Letters (with their marks, which some scripts cannot do without) and digits of any script,
 * lowercase NFC, every run of anything else as one hyphen, none at either end: "São Paulo" →
 * "são-paulo", "Television & Radio" → "television-radio". It is a path of the site and a URL.
 * A word written in lowerCamelCase is the words it joins ("worldNews" is "World news": world-news),
 * as sites' category systems write them; "iPhone", "eBay" and "JavaScript" stay one word.
 */
export function slugify(label: string): string {
  return label
    .replace(/(?<![\p{L}\p{N}])(\p{Ll}{2,}(?:\p{Lu}\p{Ll}+)+)(?![\p{L}\p{N}])/gu, (word) =>
      word.replace(/(?<=\p{Ll})(?=\p{Lu})/gu, '-'),
    )
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');
}
