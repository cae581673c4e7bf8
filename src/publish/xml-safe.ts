// Makes any text safe for the feed package's XML writer, whatever the input held.
import { stripForbiddenXmlChars } from '../lib/xml-chars.js';

/**
 * For HTML that goes into CDATA: the writer splits only the first `]]>`, so escape every one.
 * `]]&gt;` reads the same in HTML.
 */
export function cdataSafeHtml(html: string): string {
  return stripForbiddenXmlChars(html).replaceAll(']]>', ']]&gt;');
}

/** For plain text that goes into CDATA (RSS titles): break every `]]>` with a space. */
export function cdataSafeText(text: string): string {
  return stripForbiddenXmlChars(text).replaceAll(']]>', ']] >');
}
