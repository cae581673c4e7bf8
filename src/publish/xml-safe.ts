// Makes any text safe for the feed package's XML writer, whatever the input held.

// XML 1.0 §2.2 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. Lone surrogates too.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripForbiddenXmlChars(text: string): string {
  return text.replace(FORBIDDEN, '');
}

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
