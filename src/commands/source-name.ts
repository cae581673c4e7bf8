// A source name for a feed being added: a slug of its title, not taken yet.
import { slugify } from '../normalize/tags.js';

/** "name", else "name-2", "name-3"…; `taken` learns the name. */
export function freeName(wanted: string, taken: Set<string>): string {
  const base = slugify(wanted).replace(/[^a-z0-9_-]/g, '').slice(0, 40) || 'feed';
  let name = base;
  for (let i = 2; taken.has(name); i += 1) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
