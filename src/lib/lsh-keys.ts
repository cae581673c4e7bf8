// The near-duplicate index's key encoding, shared by dedupe (which makes the keys) and the store
// (which keeps them, and re-keys indexes written before keys carried their week).
//
// Each key carries the week of its article's publication in its high bits, so that the index is
// ordered by week: a batch of new articles' keys lands in the last weeks' part of the index, not
// all over it (its size grows with the database). A lookup asks for the keys in each week of the
// dedupe window.
const WEEK = 7 * 86_400_000;

/** Fingerprint band keys (band number × 2^32 + hash) are below this; week keys are above it. */
export const BAND_SPACE = 2 ** 36;

export const weekOf = (time: number) => Math.min(2 ** 16 - 1, Math.max(1, Math.floor(time / WEEK)));

/** Band keys in a week (band keys already given a week keep only their band). */
export const inWeek = (bands: ArrayLike<number>, week: number): number[] =>
  Array.from(bands, (band) => week * BAND_SPACE + (band % BAND_SPACE));
