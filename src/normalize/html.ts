// HTML: sanitized with an allowlist (html-walk.ts), relative URLs made absolute, and plain text.
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { collapseWhitespace, fixMojibake } from '../lib/text.js';
import { safeText } from '../lib/xml-chars.js';
import { BREAKS_TEXT, walkHtml } from './html-walk.js';
import { capNesting } from './nesting.js';

/** A fragment sanitized, and its plain text: as `text`, on one line, and one paragraph a line. */
export interface CleanHtml {
  html: string;
  /** The words of the fragment, white space collapsed (what textOfSanitized reads in `html`). */
  text: string;
  /** The same words, one paragraph a line (what paragraphsOfSanitized reads in `html`), for dedupe. */
  paragraphs: string;
  /** The text as a reader reads it, inline elements joining what they separate (what htmlToText reads in `html`). */
  prose: string;
}

/**
 * Safe HTML and its text, from one pass over it: the allowlist of html-walk.ts, relative URLs
 * resolved against `base`, no element nested deeper than 512, and only safe characters (a character
 * reference may name any).
 */
export function cleanHtmlAndText(html: string, base?: string): CleanHtml {
  const walked = walkHtml(prepare(fixMojibake(html)), base);
  const paragraphs = linesOf(safeText(walked.plain));
  return {
    html: safeText(walked.html),
    text: paragraphs.replace(/\n/g, ' '),
    paragraphs,
    prose: collapseWhitespace(safeText(walked.prose)),
  };
}

/** Each line's white space collapsed, the empty lines left out. */
function linesOf(text: string): string {
  return text.split('\n').map(collapseWhitespace).filter(Boolean).join('\n');
}

/** Only serialized again by sanitize-html: the fragment as htmlparser2 reads it, nothing dropped. */
const SERIALIZE_ONLY: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  allowedSchemes: ['*' as string],
};

/**
 * The sanitized fragment, but when sanitizing changed nothing except the serialization, the input as written,
 * so that entity references survive as the author wrote them (the `tidings parse` view).
 */
export function cleanHtmlAsWritten(html: string, base?: string): string {
  const input = prepare(fixMojibake(html));
  const clean = walkHtml(input, base).html;
  if (clean === input || !input.includes('&')) return clean;
  return sanitizeHtml(input, SERIALIZE_ONLY) === clean ? input.replace(/&#X/g, '&#x') : clean;
}

/**
 * What an HTML parser would misread, or take too long over: a comment left open ends at the next
 * ">" (as in SGML, so it cannot swallow the rest), "<!" that starts no comment, CDATA or real
 * DOCTYPE is text, and deep nesting is flattened (see nesting.ts).
 */
function prepare(html: string): string {
  const mended = html.includes('<!')
    ? html
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<!--[^>]*>?/g, '')
        .replace(/<!(?!--|\[CDATA\[|doctype\s+[a-z])/gi, '&lt;!')
    : html;
  return capNesting(mended);
}

const HIDDEN = new Set(['script', 'style', 'textarea', 'option', 'noscript', 'title']);

/**
 * Plain text: tags dropped (those that break the text become spaces), entities decoded, unsafe characters removed,
 * white space collapsed. With a `limit`, reading stops once the text is longer than that: its
 * first `limit` characters are right.
 */
export function htmlToText(html: string, limit = Infinity): string {
  if (!/[<&]/.test(html)) return collapseWhitespace(safeText(html));
  const out: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentagname: (name) => {
        if (HIDDEN.has(name)) hidden += 1;
        if (BREAKS_TEXT.has(name)) out.push(' ');
      },
      onclosetag: (name) => {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        if (BREAKS_TEXT.has(name)) out.push(' ');
      },
      ontext: (text) => {
        if (!hidden) out.push(safeText(text));
      },
    },
    { decodeEntities: true },
  );
  const CHUNK = 1024;
  const flat = capNesting(html);
  for (let at = 0; at < flat.length; at += CHUNK) {
    parser.write(flat.slice(at, at + CHUNK));
    if (limit < Infinity && at + CHUNK < flat.length && collapseWhitespace(out.join('')).length > limit + 1) break;
  }
  parser.end();
  return collapseWhitespace(out.join(''));
}
