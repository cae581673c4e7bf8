// The last guard before bytes leave Tidings: every text and attribute a feed or OPML file holds is
// written through these, and every string of a JSON Feed through safeText, whatever was stored.
// safeText drops what XML 1.0 §2.2 forbids and what it discourages (DEL, C1 controls,
// noncharacters). Stored text should hold none of them already: this is the second line of guard.
import { safeText } from '../lib/xml-chars.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Character data. */
export function xmlText(text: string): string {
  return safeText(text).replace(/[&<>]/g, (c) => ESCAPES[c]!);
}

/** A double-quoted attribute value; white space escaped, since parsers turn it into spaces. */
function xmlAttr(text: string): string {
  return safeText(text).replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]!);
}

/** A CDATA section holding exactly `text`: each `]]>` is split across two sections. */
export function xmlCdata(text: string): string {
  return `<![CDATA[${safeText(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `<name attr="…">body</name>`, attributes left out when undefined; `body` is already XML. */
export function element(name: string, attrs: Record<string, string | number | undefined>, body?: string): string {
  const written = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${xmlAttr(String(value))}"`)
    .join('');
  return body === undefined ? `<${name}${written}/>` : `<${name}${written}>${body}</${name}>`;
}
