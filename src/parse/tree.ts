// Reading the XML tree: find children by namespace and name, take text, serialize inline XHTML.
// Every walk keeps its own stack: the depth of a document never reaches the call stack.
import { escapeHtml } from '../lib/text.js';
import type { XmlChild, XmlElement } from './xml-tree.js';

export const NS = {
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rss10: 'http://purl.org/rss/1.0/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  xhtml: 'http://www.w3.org/1999/xhtml',
  media: 'http://search.yahoo.com/mrss/',
  sy: 'http://purl.org/rss/1.0/modules/syndication/',
  itunes: 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  feedburner: 'http://rssnamespace.org/feedburner/ext/1.0',
} as const;

const isElement = (c: XmlChild): c is XmlElement => typeof c !== 'string';

/** Namespaces are compared without case or a trailing slash: feeds in the wild vary both. */
const sameNs = (a: string, b: string) =>
  a === b || a.toLowerCase().replace(/[/#]$/, '') === b.toLowerCase().replace(/[/#]$/, '');
const named = (c: XmlChild, namespaces: readonly string[], local: string): c is XmlElement =>
  typeof c !== 'string' && c.local === local && namespaces.some((ns) => sameNs(c.ns, ns));

/** Whether an element is named `local` in any of `namespaces` ("" matches elements without a namespace). */
export const is = (element: XmlElement, namespaces: readonly string[], local: string): boolean =>
  named(element, namespaces, local);

export function elements(node: XmlElement): XmlElement[] {
  return node.children.filter(isElement);
}

/** Children named `local` in any of `namespaces` ("" matches elements without a namespace). */
export function all(node: XmlElement, namespaces: readonly string[], local: string): XmlElement[] {
  return node.children.filter((c): c is XmlElement => named(c, namespaces, local));
}

export function first(node: XmlElement, namespaces: readonly string[], local: string): XmlElement | undefined {
  for (const c of node.children) if (named(c, namespaces, local)) return c;
  return undefined;
}

export function textOf(node: XmlElement | undefined): string {
  if (!node) return '';
  const [only] = node.children;
  if (node.children.length === 1 && typeof only === 'string') return only;
  const out: string[] = [];
  const todo = [...node.children].reverse();
  for (let c = todo.pop(); c !== undefined; c = todo.pop()) {
    if (typeof c === 'string') out.push(c);
    else for (let i = c.children.length - 1; i >= 0; i -= 1) todo.push(c.children[i]!);
  }
  return out.join('');
}

/** Trimmed text, or undefined when there is none. */
export function trimmedText(node: XmlElement | undefined): string | undefined {
  const text = textOf(node).trim();
  return text || undefined;
}

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/** Inline XHTML back to an HTML string: local names, no namespace declarations. */
export function serialize(children: XmlChild[]): string {
  const out: string[] = [];
  const todo: (XmlChild | { end: string })[] = [...children].reverse();
  for (let c = todo.pop(); c !== undefined; c = todo.pop()) {
    if (typeof c === 'string') {
      out.push(
        escapeHtml(c)
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"'),
      );
    } else if ('end' in c) {
      out.push(c.end);
    } else {
      const attrs = Object.entries(c.attrs)
        .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:') && !k.startsWith('xml:'))
        .map(([k, v]) => ` ${k.includes(':') ? k.slice(k.indexOf(':') + 1) : k}="${escapeHtml(v)}"`)
        .join('');
      if (VOID.has(c.local) && c.children.length === 0) {
        out.push(`<${c.local}${attrs} />`);
        continue;
      }
      out.push(`<${c.local}${attrs}>`);
      todo.push({ end: `</${c.local}>` });
      for (let i = c.children.length - 1; i >= 0; i -= 1) todo.push(c.children[i]!);
    }
  }
  return out.join('');
}

export function attr(node: XmlElement | undefined, name: string): string | undefined {
  const v = node?.attrs[name];
  return v === undefined ? undefined : v.trim();
}

/**
 * The author the extension namespaces name (dc:creator, itunes:author, media:credit), for an entry
 * or a channel without one of its own format's.
 */
/**
 * Media RSS objects of an item, in its media:group too: media:content first, then
 * media:thumbnail (news sites such as the Indian Express give each headline's picture only so).
 */
export function mediaOf(item: XmlElement): XmlElement[] {
  const holders = [item, ...all(item, [NS.media], 'group')];
  const contents = holders
    .flatMap((h) => all(h, [NS.media], 'content'))
    .filter((m) => !/flash/i.test(attr(m, 'type') ?? ''));
  return [...contents, ...holders.flatMap((h) => all(h, [NS.media], 'thumbnail'))];
}

/**
 * A Media RSS object's type: its own, else for a picture (a thumbnail, or medium="image") the
 * type its extension names, else image/jpeg, so that readers and pages know it is one.
 */
export function mediaType(m: XmlElement): string | undefined {
  const given = attr(m, 'type');
  if (given || (m.local !== 'thumbnail' && attr(m, 'medium') !== 'image')) return given || undefined;
  const extension = /\.(png|gif|webp|avif|svg)(?:[?#]|$)/i.exec(attr(m, 'url') ?? '')?.[1]?.toLowerCase();
  return extension ? `image/${extension === 'svg' ? 'svg+xml' : extension}` : 'image/jpeg';
}

export function extensionAuthor(el: XmlElement): string | undefined {
  const media = [el, ...all(el, [NS.media], 'group'), ...all(el, [NS.media], 'content')];
  return (
    trimmedText(first(el, [NS.dc], 'creator')) ??
    trimmedText(first(el, [NS.itunes], 'author')) ??
    media.map((m) => trimmedText(first(m, [NS.media], 'credit'))).find(Boolean)
  );
}
