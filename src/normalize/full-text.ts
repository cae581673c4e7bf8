// Full text (issue 24): the article of a page, by Mozilla's Readability over linkedom's light DOM,
// or by a CSS selector (Miniflux's scraper rules), then sanitized with the feed's own allowlist. The
// entry keeps the feed's text as its summary; its content, text and hash become the article's.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { InputError } from '../errors.js';
import { textOfSanitized } from '../lib/html-text.js';
import type { Entry } from '../model.js';
import { charsetOf } from '../parse/decode.js';
import { cleanHtmlAndText } from './html.js';
import { contentHash } from './normalize-entry.js';

/** Pages are read up to here: Readability's cost grows with the DOM. */
const MAX_PAGE_CHARS = 2_000_000;

/** A page's text: its Content-Type charset, else its <meta charset>, else UTF-8. */
export function decodePage(bytes: Uint8Array, contentType?: string): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  for (const label of [charsetOf(contentType), meta, 'utf-8']) {
    try {
      if (label) return new TextDecoder(label).decode(bytes).slice(0, MAX_PAGE_CHARS);
    } catch {
      // an unknown label: the next one
    }
  }
  return new TextDecoder().decode(bytes).slice(0, MAX_PAGE_CHARS);
}

/** The article in a page as sanitized HTML, relative URLs resolved against `url`; throws when there is none. */
export function extractArticle(html: string, url: string, selector?: string): string {
  const { document } = parseHTML(html);
  let content: string | undefined;
  if (selector) {
    let found: ArrayLike<{ outerHTML: string }>;
    try {
      found = document.querySelectorAll(selector);
    } catch {
      throw new InputError(`the selector ${JSON.stringify(selector)} cannot be read`);
    }
    content = Array.from(found, (e) => e.outerHTML).join('\n');
    if (!content) throw new InputError(`no element matches ${JSON.stringify(selector)}`);
  } else {
    // linkedom's document stands in for the browser's: Readability reads it through the same DOM calls.
    content =
      new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
        charThreshold: 200,
      }).parse()?.content ?? undefined;
    if (!content) throw new InputError('Readability found no article in the page');
  }
  const clean = cleanHtmlAndText(content, url);
  if (!clean.text) throw new InputError('the article has no text');
  return clean.html;
}

/**
 * The entry with the extracted article as its content (its summary stays the feed's); throws when
 * the article is no longer than the feed's own text (a paywall, a cookie wall, the wrong element).
 */
export function withFullText(entry: Entry, content: string): Entry {
  const { fingerprint: _f, contentHash: _h, paragraphs: _p, ...rest } = entry;
  const text = textOfSanitized(content);
  if (text.length <= entry.text.length)
    throw new InputError(
      `the page's article (${text.length} characters) is no longer than the feed's text (${entry.text.length})`,
    );
  const next = { ...rest, content, text };
  return { ...next, contentHash: contentHash(next) };
}
