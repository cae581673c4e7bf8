// One pass over an article's HTML (issue 23): htmlparser2's Parser reads it once, and this walk
// writes the sanitized fragment and its plain text, one paragraph a line, from the same events.
// The allowlist and the rewriting are those of the sanitize-html configuration this replaced, and
// the walk takes sanitize-html's steps in "discard" mode (its open-element frames, its skip map by
// depth, its skipped text): tests/normalize/html-walk.test.ts holds the two equal on every fixture
// and on the public corpus, sanitize-html being the reference there.
import { Parser, type Handler } from 'htmlparser2';
import { resolveUrl } from '../lib/urls.js';

/**
 * What an article's HTML may keep: the tags, each tag's own attributes and those every tag may have,
 * the attributes holding a URL (resolved against the base, kept only with an allowed scheme), the
 * schemes (data: only for images, and only image types other than SVG: see keepsDataUrl), and the
 * elements dropped with their text (the text inside other dropped elements, iframe, object…, is
 * kept, as feed readers do). tests/sanitize-reference.mjs gives sanitize-html the same list.
 */
export const ALLOWLIST = {
  tags: [
    'p',
    'br',
    'hr',
    'div',
    'span',
    'a',
    'img',
    'figure',
    'figcaption',
    'picture',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'q',
    'cite',
    'pre',
    'code',
    'kbd',
    'samp',
    'var',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'colgroup',
    'col',
    'em',
    'strong',
    'b',
    'i',
    'u',
    's',
    'del',
    'ins',
    'sub',
    'sup',
    'small',
    'mark',
    'abbr',
    'time',
    'address',
  ],
  attributes: {
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
  } as Record<string, readonly string[]>,
  everywhere: ['lang', 'dir'],
  urlAttributes: ['href', 'src', 'cite'],
  schemes: ['http', 'https', 'mailto', 'tel'],
  imageSchemes: ['http', 'https', 'data'],
  nonText: ['script', 'style', 'textarea', 'option', 'noscript'],
} as const;
/** Each allowed tag, and the attributes it keeps. */
const ALLOWED = new Map(
  ALLOWLIST.tags.map((tag) => [
    tag as string,
    new Set([...(ALLOWLIST.attributes[tag] ?? []), ...ALLOWLIST.everywhere]),
  ]),
);
const URL_ATTRS = ALLOWLIST.urlAttributes;
const SCHEMES = new Set<string>(ALLOWLIST.schemes);
const IMAGE_SCHEMES = new Set<string>(ALLOWLIST.imageSchemes);
const NON_TEXT = new Set<string>(ALLOWLIST.nonText);
/** An attribute that says nothing without a value: left out when empty (alt="" is kept, it says "decorative"). */
const EMPTY_ALLOWED = new Set(['alt', 'reversed']);
/** Written as `<br />`, with no end tag. */
const SELF_CLOSING = new Set(['img', 'br', 'hr']);
/** Elements that break the flow of text where they open and close: the others join what they separate. */
export const BREAKS_TEXT = new Set([
  'p',
  'div',
  'br',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'td',
  'th',
  'blockquote',
  'pre',
  'figure',
  'figcaption',
  'dt',
  'dd',
  'hr',
  'table',
  'ul',
  'ol',
]);
/** Where one of these ends, a paragraph ends (and at a bare <br />). */
const BLOCK_END = new Set([
  'p',
  'div',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'tr',
  'dd',
  'dt',
  'figcaption',
]);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeText = (s: string) => (/[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => ESCAPES[c]!) : s);
const escapeAttribute = (s: string) => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]!) : s);

/**
 * A URL whose scheme is not allowed for the tag (javascript:, vbscript:, data: but on img…), read
 * as browsers read it: without the controls and spaces they skip, without embedded comments.
 */
function hasForbiddenScheme(tag: string, url: string): boolean {
  let href = url.replace(/[\x00-\x20]+/g, '');
  for (let open = href.indexOf('<!--'); open >= 0; open = href.indexOf('<!--')) {
    const close = href.indexOf('-->', open + 4);
    if (close < 0) break;
    href = href.slice(0, open) + href.slice(close + 3);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(href)?.[1]?.toLowerCase();
  return scheme !== undefined && !(tag === 'img' ? IMAGE_SCHEMES : SCHEMES).has(scheme);
}

/** A data: URL an image may keep: an image type, not SVG (which may carry script). */
const keepsDataUrl = (src: string) => !src.toLowerCase().startsWith('data:') || /^data:image\/(?!svg)/i.test(src);

/** The tag's attributes rewritten: URLs resolved against `base`, rel set on links (and only there). */
function rewrite(tag: string, attribs: Record<string, string>, base: string | undefined): void {
  for (const name of URL_ATTRS) if (attribs[name] !== undefined) attribs[name] = resolveUrl(attribs[name], base) ?? '';
  if (tag === 'a' && attribs.href) attribs.rel = 'noopener noreferrer';
  else delete attribs.rel;
  if (tag === 'img' && attribs.src && !keepsDataUrl(attribs.src)) delete attribs.src;
}

/** `<tag …>` with the attributes it keeps, in the order written; '' for an image that shows nothing. */
function openTag(tag: string, attribs: Record<string, string>, keeps: Set<string>): string {
  let out = `<${tag}`;
  let src = false;
  for (const name in attribs) {
    const value = attribs[name]!;
    if (!keeps.has(name) || (value === '' && !EMPTY_ALLOWED.has(name))) continue;
    if ((name === 'href' || name === 'src' || name === 'cite') && hasForbiddenScheme(tag, value)) continue;
    if (name === 'src') src = true;
    out += value ? ` ${name}="${escapeAttribute(value)}"` : name === 'alt' ? ' alt=""' : ` ${name}`;
  }
  // An image without a source, or of 1×1 (a tracker, not a picture), is left out.
  if (tag === 'img' && (!src || (attribs.width === '1' && attribs.height === '1'))) return '';
  return SELF_CLOSING.has(tag) ? `${out} />` : `${out}>`;
}

/** The walk: sanitize-html's discard mode over htmlparser2's events, writing the fragment and its text. */
class SanitizingWalk implements Partial<Handler> {
  html = '';
  /** The text as the fragment shows it: a space for each tag written, a line break where a paragraph ends. */
  plain = '';
  /** The text as a reader reads the fragment: a space only where an element that breaks the text opens or closes. */
  prose = '';
  /** The open elements, allowed or not (not those inside a dropped non-text element). */
  private readonly stack: string[] = [];
  /** By depth: whether the element open there is dropped. */
  private readonly dropped: boolean[] = [];
  /** Inside a dropped non-text element (script…): how many elements are open in it, itself included. */
  private skipping = 0;

  constructor(private readonly base: string | undefined) {}

  onopentag(tag: string, attribs: Record<string, string>): void {
    if (this.skipping) {
      this.skipping += 1;
      return;
    }
    const depth = this.stack.push(tag) - 1;
    const keeps = ALLOWED.get(tag);
    this.dropped[depth] = !keeps;
    if (!keeps) {
      if (NON_TEXT.has(tag)) this.skipping = 1;
      return;
    }
    rewrite(tag, attribs, this.base);
    const open = openTag(tag, attribs, keeps);
    if (!open) return;
    this.html += open;
    this.plain += open === '<br />' ? '\n' : ' ';
    if (BREAKS_TEXT.has(tag)) this.prose += ' ';
  }

  ontext(text: string): void {
    if (this.skipping) return;
    this.html += escapeText(text);
    this.plain += text;
    this.prose += text;
  }

  onclosetag(tag: string): void {
    if (this.skipping && --this.skipping) return;
    // An end the walk never saw open (a tag cut off at the end of the input) closes nothing.
    if (this.stack.at(-1) !== tag) return;
    this.stack.pop();
    if (this.dropped[this.stack.length] || SELF_CLOSING.has(tag)) return;
    this.html += `</${tag}>`;
    this.plain += BLOCK_END.has(tag) ? '\n' : ' ';
    if (BREAKS_TEXT.has(tag)) this.prose += ' ';
  }
}

/**
 * The allowlisted fragment of `html` (relative URLs resolved against `base`) and its text, both
 * one paragraph a line and as a reader reads it, all as read: characters unsafe to store are still there.
 */
export function walkHtml(html: string, base?: string): { html: string; plain: string; prose: string } {
  const walk = new SanitizingWalk(base);
  const parser = new Parser(walk, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return { html: walk.html, plain: walk.plain, prose: walk.prose };
}
