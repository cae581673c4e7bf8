// Tags: one per slug, whatever the spelling.
import { slugify, tagLabel } from '../lib/text.js';
import type { Tag } from '../model.js';

/**
 * Tags from raw labels: first spelling wins within one article, those without a slug dropped. `aliases` maps
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
