// URL helpers: resolution against bases.

/** `ref` resolved against `base`; `ref` itself when there is nothing to resolve against; undefined when empty. */
export function resolveUrl(ref: string | undefined, base?: string): string | undefined {
  const trimmed = ref?.trim();
  if (!trimmed) return base && ref !== undefined ? base : undefined;
  // An absolute URL stays as written; normalizing it is the canonical-URL step's job.
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}
