// Tags: one per slug, whatever the spelling.
import { tagLabel } from '../lib/text.js';
import type { Tag } from '../model.js';

/** Unicode NFC, lowercase, runs of white space as one hyphen: "São Paulo" → "são-paulo". */
export function slugify(label: string): string {
  return label
    .normalize('NFC')
    .toLowerCase()
    .trim()
    .replace(/[\s_]+/g, '-')
    .replace(/[/\\?#%<>"'`]+/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Tags from raw labels: first spelling wins within one article, empty ones dropped. `aliases` maps
 * slugs to the slug they stand for (iranian → iran); an aliased tag is labeled with its target.
 */
export function toTags(labels: Iterable<string>, aliases: Readonly<Record<string, string>> = {}): Tag[] {
  const bySlug = new Map<string, Tag>();
  for (const raw of labels) {
    let label = tagLabel(raw);
    let slug = slugify(label);
    const target = aliases[slug];
    if (target) [slug, label] = [slugify(target), tagLabel(target)];
    if (slug && !bySlug.has(slug)) bySlug.set(slug, { slug, label });
  }
  return [...bySlug.values()];
}
