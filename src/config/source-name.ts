// A source name for a feed being added: a slug of its title, not taken yet. Source names are ASCII
// slugs (they are paths of the site and keys of the configuration): a title in Latin letters with
// diacritics keeps its letters (Ünïcødé Blog: unicode-blog); one that is mostly in another script
// falls back to the feed's host or file name.
import { slugify } from '../lib/text.js';

export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

// Latin letters that Unicode does not decompose into a letter and a mark.
const LETTERS: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
  ı: 'i',
  ħ: 'h',
};

function asciiSlug(text: string): string {
  const folded = text
    .toLowerCase()
    .replace(/\./g, ' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[øæœßđłþðıħ]/g, (c) => LETTERS[c]!);
  return cutAtWord(
    slugify(folded)
      .replace(/[^a-z0-9_-]/g, '')
      .replace(/^[-_]+|[-_]+$/g, ''),
    40,
  );
}

/** At most `max` characters, cut between words ("…-world", never "…-wor"); a single long word is cut. */
function cutAtWord(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const end = slug.lastIndexOf('-', max);
  return end > 0 ? slug.slice(0, end) : slug.slice(0, max);
}

/** A slug of `title` (or of `fallback`, when the title keeps too few of its letters), unique in `taken`, which learns it. */
export function freeName(title: string, fallback: string, taken: Set<string>): string {
  const letters = (title.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const slug = asciiSlug(title);
  const kept = (slug.match(/[a-z0-9]/g) ?? []).length;
  const base = (kept >= Math.max(1, letters / 2) ? slug : asciiSlug(fallback)) || 'feed';
  let name = base;
  for (let i = 2; taken.has(name); i += 1) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
