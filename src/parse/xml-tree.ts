// rss-parser as the XML front end. Its own builders flatten the document (losing xml:base, mixed
// content and content types) and build a contentSnippet with a regular expression that is quadratic
// on hostile input, so this subclass keeps rss-parser's parse (its xml2js reader, the same SAX
// parser, its dispatch on the root) and has the reader build our order-preserving tree, which keeps
// xml:base, xml:lang, namespaces and mixed content, in one pass from the SAX events: xml2js's own
// objects (each child twice, by name and in order) took 17 times the document. Extraction happens
// in atom.ts and rss.ts. Nothing here recurses: a document nested 100,000 deep costs its size,
// never the stack.
import Parser from 'rss-parser';
import { Parser as XmlReader } from 'xml2js';
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

const lower = (name: string) => name.toLowerCase();
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
// rss-parser dispatches on the root's key ("rss", "rdf:RDF", "feed"), whatever its prefix
// (`<a:feed xmlns:a="…/Atom">` is Atom).
const DISPATCH: [RegExp, string][] = [[/^(?:[^:]*:)?rdf$/i, 'rdf:RDF'], [/^(?:[^:]+:)?rss$/i, 'rss'], [/^(?:[^:]+:)?feed$/i, 'feed']];

type Scope = Map<string, string>;

interface SaxTag {
  name: string;
  attributes: Record<string, string>;
}

interface Sax {
  onopentag: (tag: SaxTag) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  ended: boolean;
}

/**
 * xml2js's reader, its SAX events building XmlElements. Names are lowercased, so that the lenient
 * (case-folding) parser reads the same as the strict one. What rss-parser gets is the root's
 * dispatch key, holding the root's attributes (it reads `version`) and the tree.
 */
class TreeReader extends XmlReader {
  declare saxParser: Sax;
  declare resultObject: unknown;

  override reset(): void {
    super.reset();
    const sax = this.saxParser;
    const open: { element: XmlElement; scope: Scope }[] = [];
    sax.onopentag = ({ name: raw, attributes }) => {
      const parent = open.at(-1);
      const scope = parent?.scope ?? new Map([['xml', XML_NS]]);
      const attrs: Record<string, string> = {};
      let own = scope;
      for (const [key, value] of Object.entries(attributes)) {
        const name = lower(key);
        attrs[name] = value;
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          if (own === scope) own = new Map(scope);
          own.set(name === 'xmlns' ? '' : name.slice(6), value);
        }
      }
      const name = lower(raw);
      const colon = name.indexOf(':');
      const prefix = colon > 0 ? name.slice(0, colon) : '';
      const element: XmlElement = {
        name,
        local: colon > 0 ? name.slice(colon + 1) : name,
        ns: prefix === 'xml' ? XML_NS : (own.get(prefix) ?? ''),
        attrs,
        children: [],
        lang: attrs['xml:lang'] ?? parent?.element.lang,
      };
      parent?.element.children.push(element);
      open.push({ element, scope: own });
    };
    sax.onclosetag = () => {
      const { element } = open.pop()!;
      if (open.length) return;
      const key = DISPATCH.find(([re]) => re.test(element.name))?.[1] ?? element.name;
      this.resultObject = { [key]: { $: element.attrs, element } };
      sax.ended = true;
      this.emit('end', this.resultObject);
    };
    sax.ontext = sax.oncdata = (text) => {
      const children = open.at(-1)?.element.children;
      if (!children) return;
      // Adjacent text (around a CDATA section, say) is one string.
      if (typeof children.at(-1) === 'string') children[children.length - 1] += text;
      else children.push(text);
    };
  }
}

class TreeParser extends Parser {
  constructor(strict: boolean) {
    super({ defaultRSS: 2 });
    (this as unknown as { xmlParser: XmlReader }).xmlParser = new TreeReader({ strict });
  }
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

const strictParser = new TreeParser(true);
const lenientParser = new TreeParser(false);

/** Each element's xml:base, resolved against its parent's, the root's against `url`; an explicit stack, not recursion. */
function rebase(root: XmlElement, url: string | undefined): XmlElement {
  const todo: [XmlElement, string | undefined][] = [[root, url]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [element, parent] = next;
    const own = element.attrs['xml:base'];
    element.base = own !== undefined ? (resolveUrl(own.trim(), parent) ?? parent) : parent;
    for (const c of element.children) if (typeof c !== 'string') todo.push([c, element.base]);
  }
  return root;
}

async function parseWith(parser: TreeParser, text: string): Promise<XmlElement> {
  let result: Record<string, { element: XmlElement }>;
  try {
    result = (await parser.parseString(text)) as unknown as typeof result;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    if (message === 'Feed not recognized as RSS 1 or 2.') throw new NotAFeedError('not a feed: no rss, RDF or feed element at the root');
    throw new ParseError(message);
  }
  return Object.values(result)[0]!.element;
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
async function readXml(text: string): Promise<{ root: XmlElement; bozo?: string }> {
  try {
    return { root: await parseWith(strictParser, text) };
  } catch (first) {
    if (first instanceof NotAFeedError) throw first;
    const bozo = (first as Error).message;
    const repaired = closeOpenElements(repairXml(text));
    try {
      return { root: await parseWith(strictParser, repaired), bozo };
    } catch {
      try {
        return { root: await parseWith(lenientParser, repaired), bozo };
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
  const { root, bozo } = await readXml(text);
  return { root: rebase(root, url ?? selfLink(root)), bozo };
}
