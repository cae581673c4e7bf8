import { parseFeedDate } from '../lib/dates.js';

/** A date of a feed, or undefined with a warning that names the element and the text. */
export function feedDate(
  raw: string | undefined,
  what: string,
  zone: string | undefined,
  warnings: string[],
): Date | undefined {
  if (!raw?.trim()) return undefined;
  const date = parseFeedDate(raw, zone ?? 'UTC');
  if (!date) warnings.push(`${what}: unreadable date "${raw.trim().slice(0, 60)}"`);
  return date;
}
