// rss-parser as the XML front end. Its own builders flatten the document (losing xml:base, mixed
// content and content types) and build a contentSnippet with a regular expression that is quadratic
// on hostile input, so this subclass keeps rss-parser's parse and returns the raw, order-preserving
// tree instead, which keeps xml:base, xml:lang, namespaces and mixed content; extraction happens in
// atom.ts and rss.ts. Nothing here recurses: a document nested 100,000 deep costs its size, never
// the stack.
import Parser from 'rss-parser';
import { decodeHTMLStrict } from 'entities';
import { NotAFeedError, ParseError } from '../errors.js';
import { resolveUrl } from '../lib/urls.js';
import { FORBIDDEN_XML_CHARS } from '../lib/xml-chars.js';

export interface XmlElement {
  /** Lowercased qualified name ("dc:creator"). */
  name: string;
  /** Lowercased local name ("creator"). */
  local: string;
  /** Namespace URI ("" when none). */
  ns: string;
  /** Attributes by lowercased qualified name. */
  attrs: Record<string, string>;
  children: XmlChild[];
  /** The in-scope xml:base, resolved. */
  base?: string;
  /** The in-scope xml:lang. */
  lang?: string;
}
export type XmlChild = XmlElement | string;

interface Xml2jsNode {
  '#name': string;
  _?: string;
  $?: Record<string, string>;
  $$?: Xml2jsNode[];
}

const lower = (name: string) => name.toLowerCase();
// rss-parser dispatches on the root's key ("rss", "rdf:RDF", "feed"): the root gets that name
// whatever its prefix (`<a:feed xmlns:a="…/Atom">` is Atom), and its own name back once parsed.
// Every other name is lowercased, so that the lenient (case-folding) parser reads the same.
const DISPATCH: [RegExp, string][] = [[/^(?:[^:]*:)?rdf$/i, 'rdf:RDF'], [/^(?:[^:]+:)?rss$/i, 'rss'], [/^(?:[^:]+:)?feed$/i, 'feed']];
/** The root's own name, once the document being parsed has opened it (parsing is synchronous). */
let rootName: string | undefined;
const tagName = (name: string) => {
  if (rootName !== undefined) return lower(name);
  rootName = name;
  return DISPATCH.find(([re]) => re.test(name))?.[1] ?? lower(name);
};

class TreeParser extends Parser {
  buildAtomFeed(xml: unknown) {
    return xml;
  }
  buildRSS2(xml: unknown) {
    return xml;
  }
  buildRSS1(xml: unknown) {
    return xml;
  }
  buildRSS0_9(xml: unknown) {
    return xml;
  }
}

function newParser(strict: boolean): TreeParser {
  return new TreeParser({
    defaultRSS: 2,
    xml2js: {
      strict,
      explicitChildren: true,
      preserveChildrenOrder: true,
      charsAsChildren: true,
      includeWhiteChars: true,
      tagNameProcessors: [tagName],
      attrNameProcessors: [lower],
    },
  } as ConstructorParameters<typeof Parser>[0]);
}

const strictParser = newParser(true);
const lenientParser = newParser(false);

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

type Scope = Map<string, string>;

/** One element, without its children: its namespace from `scope`, its base and language inherited. */
function elementOf(node: Xml2jsNode, scope: Scope, base: string | undefined, lang: string | undefined): { element: XmlElement; scope: Scope } {
  const attrs: Record<string, string> = {};
  let own = scope;
  for (const [key, value] of Object.entries(node.$ ?? {})) {
    attrs[key] = value;
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (own === scope) own = new Map(scope);
      own.set(key === 'xmlns' ? '' : key.slice(6), value);
    }
  }
  const name = lower(node['#name']);
  const colon = name.indexOf(':');
  const prefix = colon > 0 ? name.slice(0, colon) : '';
  if (attrs['xml:base'] !== undefined) base = resolveUrl(attrs['xml:base'].trim(), base) ?? base;
  if (attrs['xml:lang'] !== undefined) lang = attrs['xml:lang'];
  const ns = prefix === 'xml' ? XML_NS : (own.get(prefix) ?? '');
  return { element: { name, local: colon > 0 ? name.slice(colon + 1) : name, ns, attrs, children: [], base, lang }, scope: own };
}

/** xml2js's nodes → the tree, with `base` as the document's URL; an explicit stack, not recursion. */
function buildTree(top: Xml2jsNode, base: string | undefined): XmlElement {
  const first = elementOf(top, new Map([['xml', XML_NS]]), base, undefined);
  const todo = [{ node: top, ...first }];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const { node, element, scope } = next;
    for (const child of node.$$ ?? []) {
      if (child['#name'] === '__text__') {
        element.children.push(child._ ?? '');
        continue;
      }
      const made = elementOf(child, scope, element.base, element.lang);
      element.children.push(made.element);
      todo.push({ node: child, ...made });
    }
  }
  return first.element;
}

async function parseWith(parser: TreeParser, text: string): Promise<Xml2jsNode> {
  let result: Record<string, Xml2jsNode>;
  rootName = undefined;
  try {
    result = (await parser.parseString(text)) as unknown as Record<string, Xml2jsNode>;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    if (message === 'Feed not recognized as RSS 1 or 2.') throw new NotAFeedError('not a feed: no rss, RDF or feed element at the root');
    throw new ParseError(message);
  }
  const root = Object.values(result)[0]!;
  return { ...root, '#name': rootName ?? root['#name'] };
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** The usual faults of feeds in the wild, mended: what a lenient reader does before giving up. */
export function repairXml(text: string): string {
  return text
    .replace(/^[\s\S]*?(?=<\?xml|<[A-Za-z!])/, '') // junk before the declaration or the root
    .replace(/<\/([\w:.-]+)\s*$/, '</$1>') // a truncated last end tag
    .replace(FORBIDDEN_XML_CHARS, '')
    .replace(/&(?:([A-Za-z][A-Za-z0-9]*);|#(\d+);|#[xX]([0-9A-Fa-f]+);)?/g, (whole, name?: string, dec?: string, hex?: string) => {
      if (dec || hex) {
        const cp = dec ? Number(dec) : parseInt(hex!, 16);
        const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) && cp !== 0xfffe && cp !== 0xffff);
        return ok ? `&#${cp};` : '';
      }
      if (!name) return '&amp;'; // a stray ampersand
      if (XML_ENTITIES.has(name)) return whole;
      // An HTML named entity that XML does not declare: its character. Anything else stays text.
      const decoded = decodeHTMLStrict(whole);
      return decoded !== whole ? `&#${decoded.codePointAt(0)};${decoded.length > 2 ? decoded.slice(2) : ''}` : `&amp;${name};`;
    });
}

/** A truncated document: drop a partial last tag and close every element left open. */
export function closeOpenElements(text: string): string {
  const body = text.replace(/<[^>]*$/, '').replace(/<!\[CDATA\[(?:(?!\]\]>)[\s\S])*$/, '');
  const stack: string[] = [];
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>/g;
  for (let m = tags.exec(body); m; m = tags.exec(body)) {
    if (!m[2] || m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.lastIndexOf(m[2]) >= 0) stack.length = stack.lastIndexOf(m[2]);
  }
  return body + stack.reverse().map((name) => `</${name}>`).join('');
}

export interface ParsedXml {
  root: XmlElement;
  /** Why the document was ill-formed, when it was. */
  bozo?: string;
}

/** The absolute href of the rel="self" link of the feed (Atom) or of its channel (RSS). */
function selfLink(root: XmlElement): string | undefined {
  const channels = root.children.filter((c): c is XmlElement => typeof c !== 'string' && c.local === 'channel');
  for (const parent of [root, ...channels]) {
    for (const c of parent.children) {
      if (typeof c === 'string' || c.local !== 'link' || c.attrs.rel?.trim().toLowerCase() !== 'self') continue;
      const href = c.attrs.href?.trim();
      if (href && /^https?:\/\//i.test(href)) return href;
    }
  }
  return undefined;
}

/** Strictly first, then after repairs, then with the lenient (non-strict) parser. */
async function readXml(text: string): Promise<{ node: Xml2jsNode; bozo?: string }> {
  try {
    return { node: await parseWith(strictParser, text) };
  } catch (first) {
    if (first instanceof NotAFeedError) throw first;
    const bozo = (first as Error).message;
    const repaired = closeOpenElements(repairXml(text));
    try {
      return { node: await parseWith(strictParser, repaired), bozo };
    } catch {
      try {
        return { node: await parseWith(lenientParser, repaired), bozo };
      } catch {
        throw new ParseError(`ill-formed XML: ${bozo}`);
      }
    }
  }
}

/**
 * Parses XML without ever expanding a DOCTYPE's entities or fetching anything. Relative URLs are
 * resolved against `url`, the document's own; a document without one (a local file) is read as a
 * reader that fetched it would, from its rel="self" link.
 */
export async function parseXml(text: string, url?: string): Promise<ParsedXml> {
  const { node, bozo } = await readXml(text);
  const root = buildTree(node, url);
  const self = url ? undefined : selfLink(root);
  return { root: self ? buildTree(node, self) : root, bozo };
}
