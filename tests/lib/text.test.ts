// Plain-text helpers: white space, truncation at a word boundary, counted in characters.
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/normalize/html.js';
import { collapseWhitespace, truncateAtWord } from '../../src/lib/text.js';

describe('collapseWhitespace', () => {
  it('turns every run of white space, of any kind, into one space and trims the ends', () => {
    expect(collapseWhitespace('  a\tb\n\nc \u00a0 d\u2003e\r\nf  ')).toBe('a b c d e f');
    expect(collapseWhitespace('one two three')).toBe('one two three');
    expect(collapseWhitespace('\n')).toBe('');
  });
});

describe('truncateAtWord', () => {
  it('keeps text that fits, whatever its length in UTF-16 units', () => {
    expect(truncateAtWord('short', 10)).toBe('short');
    const astral = '😀'.repeat(10); // 10 characters, 20 UTF-16 units
    expect(truncateAtWord(astral, 10)).toBe(astral);
  });

  it('cuts at the last word boundary, ellipsis included in the limit', () => {
    const text = 'The quick brown fox jumps over the lazy dog, again and again.';
    const cut = truncateAtWord(text, 30);
    expect(cut).toBe('The quick brown fox jumps…');
    expect(Array.from(cut).length).toBeLessThanOrEqual(30);
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    const text = `${'😀 '.repeat(300)}end`;
    const cut = truncateAtWord(text, 500);
    expect(Array.from(cut).length).toBeLessThanOrEqual(500);
    expect(Array.from(cut).length).toBeGreaterThan(490);
    expect(cut.endsWith('😀…')).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
  });

  it('cuts inside a word that is longer than half the limit', () => {
    expect(truncateAtWord('x'.repeat(50), 20)).toBe(`${'x'.repeat(19)}…`);
  });
});

describe('htmlToText with a limit', () => {
  it('reads only the start of a long document, and that start is the same as in the full text', () => {
    const paragraph = (i: number) =>
      `<p>Paragraph ${i} &amp; its <em>words</em>,\n\n  spread   over lines &mdash; with entities.</p>`;
    const html = Array.from({ length: 400 }, (_, i) => paragraph(i)).join('');
    const full = htmlToText(html);
    const part = htmlToText(html, 500);
    expect(part.length).toBeGreaterThan(500);
    expect(part.length).toBeLessThan(full.length / 4);
    expect(full.startsWith(part.slice(0, 501))).toBe(true);
    expect(truncateAtWord(part, 500)).toBe(truncateAtWord(full, 500));
  });
});
