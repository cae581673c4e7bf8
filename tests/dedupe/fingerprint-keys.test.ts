// The near-duplicate index's keys: unrelated short texts share none (a band with an empty MinHash
// bucket gets no key: texts alike only in which buckets they left empty are not alike).
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/dedupe/fingerprint.js';

const TITLE_BAND = 14;
const bandOf = (key: number) => Math.floor(key / 2 ** 32);
const textKeys = (text: string) => new Set(fingerprint('', text).bands.filter((k) => bandOf(k) !== TITLE_BAND));

describe('index keys of short texts', () => {
  // Twelve words each, no word in common: each text's 10 shingles leave most of the 20 buckets empty.
  const texts = Array.from({ length: 8 }, (_, t) => Array.from({ length: 12 }, (_, w) => `word${t}x${w}`).join(' '));

  it('unrelated short texts share no key', () => {
    for (const [i, a] of texts.entries()) {
      for (const b of texts.slice(i + 1)) expect([...textKeys(a)].filter((k) => textKeys(b).has(k))).toEqual([]);
    }
  });

  it('a short text lightly edited still shares a key with the original', () => {
    // One word changed at the end.
    const edited = texts[0]!.replace(/\S+$/, 'other');
    expect([...textKeys(edited)].some((k) => textKeys(texts[0]!).has(k))).toBe(true);
  });
});
