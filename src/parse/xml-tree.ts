// rss-parser as the XML front end. Its own builders flatten the document (losing xml:base, mixed
// content and content types) and build a contentSnippet with a regular expression that is quadratic
// on hostile input, so this subclass keeps rss-parser's parse and returns the raw, order-preserving
// tree instead; extraction happens in atom.ts and rss.ts.
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
// rss-parser dispatches on the root's key ("rss", "rdf:RDF", "feed"); give it those whatever the
// prefix. Everything else is lowercased so that the lenient (case-folding) parser reads the same.
const tagName = (name: string) => {
  if (/^(?:[^:]*:)?rdf$/i.test(name)) return 'rdf:RDF';
  if (/^[^:]+:rss$/i.test(name)) return 'rss';
  return name.toLowerCase();
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

function toElement(node: Xml2jsNode, scope: Map<string, string>, base: string | undefined, lang: string | undefined): XmlElement {
  const attrs: Record<string, string> = {};
  let local = scope;
  for (const [key, value] of Object.entries(node.$ ?? {})) {
    attrs[key] = value;
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (local === scope) local = new Map(scope);
      local.set(key === 'xmlns' ? '' : key.slice(6), value);
    }
  }
  const name = lower(node['#name']);
  const colon = name.indexOf(':');
  const prefix = colon > 0 ? name.slice(0, colon) : '';
  if (attrs['xml:base'] !== undefined) base = resolveUrl(attrs['xml:base'].trim(), base) ?? base;
  if (attrs['xml:lang'] !== undefined) lang = attrs['xml:lang'];
  const element: XmlElement = {
    name,
    local: colon > 0 ? name.slice(colon + 1) : name,
    ns: prefix === 'xml' ? XML_NS : (local.get(prefix) ?? ''),
    attrs,
    children: [],
    base,
    lang,
  };
  for (const child of node.$$ ?? []) {
    if (child['#name'] === '__text__') element.children.push(child._ ?? '');
    else element.children.push(toElement(child, local, base, lang));
  }
  return element;
}

async function parseWith(parser: TreeParser, text: string, base: string | undefined): Promise<XmlElement> {
  let result: Record<string, Xml2jsNode>;
  try {
    result = (await parser.parseString(text)) as unknown as Record<string, Xml2jsNode>;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    if (message === 'Feed not recognized as RSS 1 or 2.') throw new NotAFeedError('not a feed: no rss, RDF or feed element at the root');
    throw new ParseError(message);
  }
  const root = Object.values(result)[0]!;
  return toElement(root, new Map([['xml', XML_NS]]), base, undefined);
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

/**
 * Parses XML without ever expanding a DOCTYPE's entities or fetching anything: strictly first, then
 * after repairs, then with the lenient (non-strict) parser.
 */
export async function parseXml(text: string, base?: string): Promise<ParsedXml> {
  try {
    return { root: await parseWith(strictParser, text, base) };
  } catch (first) {
    if (first instanceof NotAFeedError) throw first;
    const repaired = closeOpenElements(repairXml(text));
    try {
      return { root: await parseWith(strictParser, repaired, base), bozo: (first as Error).message };
    } catch {
      try {
        return { root: await parseWith(lenientParser, repaired, base), bozo: (first as Error).message };
      } catch {
        throw new ParseError(`ill-formed XML: ${(first as Error).message}`);
      }
    }
  }
}
