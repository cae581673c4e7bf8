// Plain text of HTML that the sanitizer wrote (well-formed, no script or style): tags can be
// dropped without a parser.
import { decodeHTML } from 'entities';
import { collapseWhitespace } from './text.js';

export function textOfSanitized(html: string): string {
  return collapseWhitespace(decodeHTML(html.replace(/<[^>]*>/g, ' ')));
}

// Where a block ends, a paragraph ends: the sanitizer keeps these elements (and <br>).
const BLOCK_END = /<\/(?:p|div|li|h[1-6]|blockquote|pre|tr|dd|dt|figcaption|section|article)\s*>|<br\s*\/?>/gi;

/** Plain text of sanitized HTML, one paragraph a line (the words are those of textOfSanitized). */
export function paragraphsOfSanitized(html: string): string {
  return decodeHTML(html.replace(BLOCK_END, '\n').replace(/<[^>]*>/g, ' '))
    .split('\n')
    .map(collapseWhitespace)
    .filter(Boolean)
    .join('\n');
}
