// safeText: what a stored string may hold, character class by character class.
import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/lib/xml-chars.js';

describe('safeText', () => {
  it.each([
    ['NUL', '\u0000'],
    ['C0 controls', '\u0001\u0008\u000b\u000c\u000e\u001f'],
    ['DEL', '\u007f'],
    ['C1 controls', '\u0080\u0085\u009f'],
    ['lone high surrogate', '\ud800'],
    ['lone low surrogate', '\udfff'],
    ['reversed surrogate pair', '\udc00\ud800'],
    ['U+FFFE and U+FFFF', '\ufffe\uffff'],
    ['noncharacters U+FDD0–U+FDEF', '\ufdd0\ufdef'],
    ['noncharacters at the end of planes 1 and 16', '\u{1fffe}\u{1ffff}\u{10fffe}\u{10ffff}'],
  ])('removes %s', (_name, chars) => {
    expect(safeText(`a${chars}b${chars}`)).toBe('ab');
  });

  it('keeps tab, line feed, carriage return and every other character, astral ones whole', () => {
    const kept = 'a\tb\nc\rd é\u00a0ü Ω ж 中 😀 \u{10000} \u{10fffd} \ufdcf\ufdf0 \ufffd \ue000 \u{1fffd}';
    expect(safeText(kept)).toBe(kept);
    // Without astral characters (the test that clears most text at once).
    const bmp = 'a\tb\nc\rd é\u00a0ü Ω ж 中 \ud7ff \ufdcf\ufdf0 \ufffd \ue000 ~';
    expect(safeText(bmp)).toBe(bmp);
  });
});
