// Full-text extraction (issue 24): Readability over linkedom, or a CSS selector, then the feed's own
// sanitizer; checked on pages of Mozilla Readability's own test corpus (tests/fixtures/readability):
// after our sanitizer each expected text keeps at least 95% of its words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textOfSanitized } from '../../src/lib/html-text.js';
import { decodePage, extractArticle, withFullText } from '../../src/normalize/full-text.js';
import { htmlToText } from '../../src/normalize/html.js';
import { FIXTURES, finished } from '../helpers.js';

const PAGES = join(FIXTURES, 'readability');
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The share of `expected`'s words (counted with repeats) found in `got`. */
function kept(expected: string[], got: string[]): number {
  const have = new Map<string, number>();
  for (const w of got) have.set(w, (have.get(w) ?? 0) + 1);
  let found = 0;
  for (const w of expected) {
    const n = have.get(w) ?? 0;
    if (n) {
      found += 1;
      have.set(w, n - 1);
    }
  }
  return found / expected.length;
}

describe('Mozilla Readability test pages, through our sanitizer', () => {
  it.each(['ars-1', 'bbc-1', 'nytimes-1', 'medium-1', 'wordpress', 'lemonde-1'])(
    '%s keeps ≥ 95%% of the expected words',
    (page) => {
      const source = readFileSync(join(PAGES, page, 'source.html'), 'utf8');
      const expected = words(htmlToText(readFileSync(join(PAGES, page, 'expected.html'), 'utf8')));
      const ours = extractArticle(source, 'http://fakehost/test/page.html');
      expect(expected.length).toBeGreaterThan(300);
      expect(kept(expected, words(textOfSanitized(ours)))).toBeGreaterThanOrEqual(0.95);
      expect(ours).not.toMatch(/<script|<style|\son\w+=|javascript:/i);
    },
  );
});

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Trams</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Trams return</h1><div class="body">
${Array.from({ length: 6 }, (_, i) => `<p>Paragraph ${i}: the city council voted on Tuesday to bring the trams back to the old market square, after a decade of buses and a long campaign by residents who wanted quieter streets.</p>`).join('\n')}
<p><img src="/img/tram.jpg" onerror="alert(1)" alt="A tram"> <script>alert(2)</script><a href="javascript:alert(3)">bad</a> <a href="/more">more</a></p>
</div></article><footer>© Example</footer></body></html>`;

describe('extractArticle', () => {
  it('takes the article, not the navigation, sanitized, with absolute URLs', () => {
    const html = extractArticle(PAGE, 'https://news.example/world/trams');
    expect(textOfSanitized(html)).toContain('Paragraph 5: the city council');
    expect(html).not.toContain('Home');
    expect(html).toContain('src="https://news.example/img/tram.jpg"');
    expect(html).toContain('href="https://news.example/more"');
    expect(html).not.toMatch(/onerror|<script|javascript:/);
  });

  it('takes what a CSS selector names instead', () => {
    const html = extractArticle(PAGE, 'https://news.example/world/trams', 'article .body p:first-child');
    expect(textOfSanitized(html)).toMatch(/^Paragraph 0: the city council.*residents who wanted quieter streets\.$/);
  });

  it.each([
    ['<html><body><nav></nav></body></html>', undefined, /Readability found no article|the article has no text/],
    [PAGE, '.nothing-here', /no element matches ".nothing-here"/],
    [PAGE, 'p[', /the selector "p\[" cannot be read/],
  ])('says why there is no article', (page, selector, message) => {
    expect(() => extractArticle(page, 'https://news.example/', selector)).toThrow(message);
  });

  it('reads the page in its charset', () => {
    const latin1 = Buffer.from('<html><head><meta charset="iso-8859-1"></head><body>Caf\xe9</body></html>', 'latin1');
    expect(decodePage(latin1)).toContain('Café');
    expect(decodePage(Buffer.from('<p>Café</p>'), 'text/html; charset=utf-8')).toContain('Café');
  });

  it('the article becomes the content and the text; the feed’s summary stays; the hash moves', () => {
    const entry = finished({
      identity: 'a',
      title: 'Trams',
      published: new Date(0),
      summary: 'The feed’s excerpt…',
      content: '<p>The feed’s excerpt…</p>',
      tags: [],
      enclosures: [],
    });
    const full = withFullText(entry, '<p>The whole article, much longer.</p>');
    expect(full).toMatchObject({
      summary: 'The feed’s excerpt…',
      content: '<p>The whole article, much longer.</p>',
      text: 'The whole article, much longer.',
    });
    expect(full.contentHash).not.toBe(entry.contentHash);
    expect(() => withFullText(entry, '<p>Subscribe.</p>')).toThrow(
      /the page's article \(10 characters\) is no longer than the feed's text \(19\)/,
    );
  });
});
