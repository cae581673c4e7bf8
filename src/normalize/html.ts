// HTML: sanitized with an allowlist (sanitize-html), relative URLs made absolute, and plain text.
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { collapseWhitespace, fixMojibake } from '../lib/text.js';
import { resolveUrl } from '../lib/urls.js';
import { safeText } from '../lib/xml-chars.js';
import { capNesting } from './nesting.js';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'div', 'span', 'a', 'img', 'figure', 'figcaption', 'picture', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'q', 'cite', 'pre', 'code', 'kbd', 'samp', 'var',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col',
  'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'abbr', 'time', 'address',
];

const URL_ATTRS = ['href', 'src', 'cite'];

// The options of the last base, which is every item's of a feed: building them cost a fifth of
// sanitizing 4 KB.
let last: { base: string | undefined; options: sanitizeHtml.IOptions } | undefined;

function options(base: string | undefined): sanitizeHtml.IOptions {
  if (!last || last.base !== base) last = { base, options: build(base) };
  return last.options;
}

function build(base: string | undefined): sanitizeHtml.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'name', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      blockquote: ['cite'],
      q: ['cite'],
      td: ['colspan', 'rowspan', 'headers'],
      th: ['colspan', 'rowspan', 'scope', 'headers'],
      ol: ['start', 'reversed', 'type'],
      li: ['value'],
      time: ['datetime'],
      abbr: ['title'],
      '*': ['lang', 'dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    // data: only for images, and only image types (checked in transform below).
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowProtocolRelative: true,
    disallowedTagsMode: 'discard',
    // The text inside other dropped elements (iframe, object…) is kept, as feed readers do.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript'],
    transformTags: {
      '*': (tagName, attribs) => {
        for (const name of URL_ATTRS) if (attribs[name] !== undefined) attribs[name] = resolveUrl(attribs[name], base) ?? '';
        if (tagName === 'a' && attribs.href) attribs.rel = 'noopener noreferrer';
        else delete attribs.rel;
        if (tagName === 'img' && attribs.src?.toLowerCase().startsWith('data:') && !/^data:image\/(?!svg)/i.test(attribs.src)) delete attribs.src;
        return { tagName, attribs };
      },
    },
    // 1×1 images are trackers, not pictures.
    exclusiveFilter: (frame) => frame.tag === 'img' && (!frame.attribs.src || (frame.attribs.width === '1' && frame.attribs.height === '1')),
  };
}

const SERIALIZE_ONLY: sanitizeHtml.IOptions = { allowedTags: false, allowedAttributes: false, allowVulnerableTags: true, allowedSchemes: ['*' as string] };

/**
 * Safe HTML: the allowlist above, relative URLs resolved against `base`, no element nested deeper
 * than 512, and only safe characters (a character reference may name any).
 */
export function cleanHtml(html: string, base?: string): string {
  return safeText(sanitizeHtml(prepare(fixMojibake(html)), options(base)));
}

/**
 * cleanHtml, but when sanitizing changed nothing except the serialization, the input as written,
 * so that entity references survive as the author wrote them (the `tidings parse` view).
 */
export function cleanHtmlAsWritten(html: string, base?: string): string {
  const input = prepare(fixMojibake(html));
  const clean = sanitizeHtml(input, options(base));
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

const BLOCKS = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'td', 'th', 'blockquote', 'pre', 'figure', 'figcaption', 'dt', 'dd', 'hr', 'table', 'ul', 'ol']);
const HIDDEN = new Set(['script', 'style', 'textarea', 'option', 'noscript', 'title']);

/**
 * Plain text: tags dropped (blocks become spaces), entities decoded, unsafe characters removed,
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
        if (BLOCKS.has(name)) out.push(' ');
      },
      onclosetag: (name) => {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        if (BLOCKS.has(name)) out.push(' ');
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
