// Plain text of HTML that the sanitizer wrote (well-formed, no script or style): tags can be
// dropped without a parser.
import { decodeHTML } from 'entities';
import { collapseWhitespace } from './text.js';

export function textOfSanitized(html: string): string {
  return collapseWhitespace(decodeHTML(html.replace(/<[^>]*>/g, ' ')));
}
