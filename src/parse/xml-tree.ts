// XML read from the events of sax (the tokenizer rss-parser itself sits on), as the text comes:
// an order-preserving XmlElement tree that keeps xml:base, xml:lang, namespaces and mixed content.
// The elements the format names entries (an Atom entry, an RSS item) are handed over one at a time
// as they close and never kept: what the reader holds is the feed's own fields and the entry being
// read, never the document. sax expands no entity a DOCTYPE declares and fetches nothing. Nothing
// here recurses: a document nested 100,000 deep costs its size, never the stack.
import sax from 'sax';
import { decodeHTMLStrict } from 'entities';
import { ParseError } from '../errors.js';
import { resolveUrl } from '../lib/urls.js';
import { FORBIDDEN_XML_CHARS } from '../lib/xml-chars.js';
import type { RawEntry, RawFeed } from './types.js';

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

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

type Scope = Map<string, string>;

/** Whether an element, closing at `depth` (the root's is 0) under `parent`, is an entry. */
type EntryTest = (element: XmlElement, parent: XmlElement, depth: number) => boolean;

/** How a format (atom.ts, rss.ts) reads one document, made at its root's start tag. */
export interface FeedReader {
  /** The namespace the root's own stands for: feeds in the wild invent namespaces for RSS and Atom. */
  adopt?: string;
  isEntry: EntryTest;
  /** An entry, whole, its xml:base resolved; the root holds the feed's fields read so far. */
  entry(element: XmlElement): RawEntry;
  /** The feed's own fields, once the whole document is read. */
  feed(): Omit<RawFeed, 'entries' | 'warnings' | 'refused'>;
}

/** What a document's reader is told: its root as it opens (it may throw: no feed's), each entry as it closes. */
interface XmlHandlers {
  root(root: XmlElement): Pick<FeedReader, 'adopt' | 'isEntry'>;
  entry(element: XmlElement): void;
}

/** What sax found wrong with the text (its first line: sax adds the line and column). */
class IllFormedError extends ParseError {}

/** Thrown from sax's handlers to stop it at the root's end tag: what follows the root is not read. */
const ROOT_CLOSED = Symbol('root closed');

/**
 * One reading of a document, fed its text in pieces (`write`) and then `close`d. Names are
 * lowercased, so that the lenient (case-folding) reading is the same as the strict one.
 */
export class XmlReader {
  private readonly sax: sax.SAXParser;
  private readonly open: { element: XmlElement; scope: Scope }[] = [];
  private isEntry?: EntryTest;
  /** The root's own namespace, and the one it stands for. */
  private renamed?: [string, string];
  private root?: XmlElement;
  private ended = false;

  constructor(
    strict: boolean,
    private readonly handlers: XmlHandlers,
    private readonly url?: string,
  ) {
    this.sax = sax.parser(strict, { trim: false, normalize: false, xmlns: false, position: true });
    this.sax.onerror = (err) => {
      throw new IllFormedError(err.message.split('\n')[0]!);
    };
    this.sax.onopentag = (tag) => this.opened(tag.name, tag.attributes as Record<string, string>);
    this.sax.onclosetag = () => this.closed();
    this.sax.ontext = this.sax.oncdata = (text) => this.text(text);
  }

  write(text: string): this {
    if (this.ended) return this;
    try {
      // A byte order mark the decoder kept is not text before the root.
      this.sax.write(this.root || this.open.length ? text : text.replace(/^\uFEFF/, ''));
    } catch (err) {
      if (err !== ROOT_CLOSED) throw err;
    }
    return this;
  }

  /** The end of the text: the root, with the feed's own fields (its entries were handed over). */
  close(): XmlElement {
    if (!this.ended) {
      try {
        this.sax.close();
      } catch (err) {
        if (err !== ROOT_CLOSED) throw err;
      }
    }
    if (!this.root || !this.ended) throw new IllFormedError('Unable to parse XML.');
    return rebase(this.root, this.url ?? selfLink(this.root));
  }

  private opened(raw: string, attributes: Record<string, string>): void {
    const parent = this.open.at(-1);
    const scope = parent?.scope ?? new Map([['xml', XML_NS]]);
    const attrs: Record<string, string> = {};
    let own = scope;
    for (const [key, value] of Object.entries(attributes)) {
      const name = key.toLowerCase();
      attrs[name] = value;
      if (name === 'xmlns' || name.startsWith('xmlns:')) {
        if (own === scope) own = new Map(scope);
        own.set(name === 'xmlns' ? '' : name.slice(6), value);
      }
    }
    const name = raw.toLowerCase();
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
    if (this.renamed && element.ns === this.renamed[0]) element.ns = this.renamed[1];
    if (parent) parent.element.children.push(element);
    else if (!this.root) this.rootOpened(element);
    this.open.push({ element, scope: own });
  }

  private rootOpened(root: XmlElement): void {
    this.root = root;
    const { adopt, isEntry } = this.handlers.root(root);
    this.isEntry = isEntry;
    if (adopt !== undefined && root.ns && root.ns !== adopt) {
      this.renamed = [root.ns, adopt];
      root.ns = adopt;
    }
  }

  private closed(): void {
    const { element } = this.open.pop()!;
    const parent = this.open.at(-1)?.element;
    if (!parent) {
      this.ended = true;
      throw ROOT_CLOSED;
    }
    if (!this.isEntry!(element, parent, this.open.length)) return;
    parent.children.pop();
    this.handlers.entry(rebase(element, this.baseOfOpen()));
  }

  /** The xml:base in scope inside the innermost open element: the document's, then each one's own. */
  private baseOfOpen(): string | undefined {
    let base = this.url ?? selfLink(this.root!);
    for (const { element } of this.open) base = ownBase(element, base);
    return base;
  }

  private text(text: string): void {
    const children = this.open.at(-1)?.element.children;
    if (!children) return;
    // Adjacent text (around a CDATA section, say) is one string.
    if (typeof children.at(-1) === 'string') children[children.length - 1] += text;
    else children.push(text);
  }
}

const ownBase = (element: XmlElement, parent: string | undefined): string | undefined => {
  const own = element.attrs['xml:base'];
  return own !== undefined ? (resolveUrl(own.trim(), parent) ?? parent) : parent;
};

/** Each element's xml:base, resolved against its parent's, the top one's against `base`; an explicit stack, not recursion. */
function rebase(top: XmlElement, base: string | undefined): XmlElement {
  const todo: [XmlElement, string | undefined][] = [[top, base]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [element, parent] = next;
    element.base = ownBase(element, parent);
    for (const c of element.children) if (typeof c !== 'string') todo.push([c, element.base]);
  }
  return top;
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

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** The usual faults of feeds in the wild, mended: what a lenient reader does before giving up. */
function repairXml(text: string): string {
  return text
    .replace(/^[\s\S]*?(?=<\?xml|<[A-Za-z!])/, '') // junk before the declaration or the root
    .replace(/<\/([\w:.-]+)\s*$/, '</$1>') // a truncated last end tag
    .replace(FORBIDDEN_XML_CHARS, '')
    .replace(
      /&(?:([A-Za-z][A-Za-z0-9]*);|#(\d+);|#[xX]([0-9A-Fa-f]+);)?/g,
      (whole, name?: string, dec?: string, hex?: string) => {
        if (dec || hex) {
          const cp = dec ? Number(dec) : parseInt(hex!, 16);
          const ok =
            cp === 9 ||
            cp === 10 ||
            cp === 13 ||
            (cp >= 0x20 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) && cp !== 0xfffe && cp !== 0xffff);
          return ok ? `&#${cp};` : '';
        }
        if (!name) return '&amp;'; // a stray ampersand
        if (XML_ENTITIES.has(name)) return whole;
        // An HTML named entity that XML does not declare: its character. Anything else stays text.
        const decoded = decodeHTMLStrict(whole);
        return decoded !== whole
          ? `&#${decoded.codePointAt(0)};${decoded.length > 2 ? decoded.slice(2) : ''}`
          : `&amp;${name};`;
      },
    );
}

/** A truncated document: drop a partial last tag and close every element left open. */
function closeOpenElements(text: string): string {
  const body = text.replace(/<[^>]*$/, '').replace(/<!\[CDATA\[(?:(?!\]\]>)[\s\S])*$/, '');
  const stack: string[] = [];
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>/g;
  for (let m = tags.exec(body); m; m = tags.exec(body)) {
    if (!m[2] || m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.lastIndexOf(m[2]) >= 0) stack.length = stack.lastIndexOf(m[2]);
  }
  return (
    body +
    stack
      .reverse()
      .map((name) => `</${name}>`)
      .join('')
  );
}

export interface ParsedXml {
  root: XmlElement;
  /** Why the document was ill-formed, when it was. */
  bozo?: string;
}

/**
 * Reads XML without ever expanding a DOCTYPE's entities or fetching anything: strictly first, then
 * after repairs, then with the lenient (non-strict) reader. Each reading starts from nothing and asks
 * `handlers()` afresh: what a reading that failed handed over is to be dropped. Relative URLs are
 * resolved against `url`, the document's own; a document without one (a local file) is read as a
 * reader that fetched it would, from its rel="self" link.
 */
export function readXml(text: string, url: string | undefined, handlers: () => XmlHandlers): ParsedXml {
  let bozo: string | undefined;
  let repaired: string | undefined;
  for (const strict of [true, true, false]) {
    try {
      return { root: new XmlReader(strict, handlers(), url).write(repaired ?? text).close(), bozo };
    } catch (err) {
      if (!(err instanceof IllFormedError)) throw err;
      bozo ??= err.message;
      repaired ??= closeOpenElements(repairXml(text));
    }
  }
  throw new ParseError(`ill-formed XML: ${bozo}`);
}
