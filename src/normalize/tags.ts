// Tags: one per slug, whatever the spelling.
import { slugify, tagLabel, truncateAtWord } from '../lib/text.js';
import type { Tag } from '../model.js';

const folded = new WeakMap<object, Map<string, string>>();

/** Aliases by the slug of their key, so that `World News: world` catches "world news" and "worldNews" too. */
function foldedAliases(aliases: Readonly<Record<string, string>>): Map<string, string> {
  let map = folded.get(aliases);
  if (!map)
    folded.set(aliases, (map = new Map(Object.entries(aliases).map(([from, to]) => [slugify(tagLabel(from)), to]))));
  return map;
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
  const bySlugOf = foldedAliases(aliases);
  for (const raw of labels) {
    let label = truncateAtWord(
      tagLabel(raw.length > 4 * MAX_TAG_LABEL ? raw.slice(0, 4 * MAX_TAG_LABEL) : raw),
      MAX_TAG_LABEL,
    );
    let slug = slugify(label);
    const target = bySlugOf.get(slug);
    if (target) [slug, label] = [slugify(target), tagLabel(target)];
    if (slug && !bySlug.has(slug)) bySlug.set(slug, { slug, label });
  }
  return [...bySlug.values()];
}
