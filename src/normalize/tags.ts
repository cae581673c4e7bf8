// Tags: one per slug, whatever the spelling.
import { tagLabel, truncateAtWord } from '../lib/text.js';
import type { Tag } from '../model.js';

/**
 * Letters (with their marks, which some scripts cannot do without) and digits of any script,
 * lowercase NFC, every run of anything else as one hyphen, none at either end: "São Paulo" →
 * "são-paulo", "Television & Radio" → "television-radio". It is a path of the site and a URL.
 */
export function slugify(label: string): string {
  return label
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');
}

/** A tag's label, at most (a 500 KB hashtag was a 500 KB tag). */
const MAX_TAG_LABEL = 100;

/**
 * Tags from raw labels: first spelling wins within one article, those without a slug dropped. `aliases` maps
 * slugs to the slug they stand for (iranian → iran); an aliased tag is labeled with its target. Labels
 * are cut to MAX_TAG_LABEL characters.
 */
export function toTags(labels: Iterable<string>, aliases: Readonly<Record<string, string>> = {}): Tag[] {
  const bySlug = new Map<string, Tag>();
  for (const raw of labels) {
    let label = truncateAtWord(tagLabel(raw.length > 4 * MAX_TAG_LABEL ? raw.slice(0, 4 * MAX_TAG_LABEL) : raw), MAX_TAG_LABEL);
    let slug = slugify(label);
    const target = aliases[slug];
    if (target) [slug, label] = [slugify(target), tagLabel(target)];
    if (slug && !bySlug.has(slug)) bySlug.set(slug, { slug, label });
  }
  return [...bySlug.values()];
}
