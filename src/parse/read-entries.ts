// One bad entry never loses its feed: each entry is read alone.
import { errorMessage } from '../errors.js';
import type { Refusal } from '../model.js';
import type { RawEntry } from './types.js';

/** Each item read by `read`; one that cannot be read is refused with its place ("entry 3"), the others kept. */
export function readEntries<T>(items: readonly T[], read: (item: T) => RawEntry, refused: Refusal[]): RawEntry[] {
  const entries: RawEntry[] = [];
  items.forEach((item, i) => {
    try {
      entries.push(read(item));
    } catch (err) {
      refused.push({ file: `entry ${i + 1}`, reason: errorMessage(err) });
    }
  });
  return entries;
}
