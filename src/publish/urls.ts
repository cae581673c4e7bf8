// The addresses and identifiers a published file holds: the site's own URLs, ids, and the links of
// articles made absolute. Nothing here throws, whatever a slug or a stored link holds.
import { decodeHTML } from 'entities';
import { escapeHtml } from '../lib/text.js';
import { safeText } from '../lib/xml-chars.js';
import type { Tag } from '../model.js';
import { articlePath } from './routes.js';

/** A URL of the site: `path` ("tags/são-paulo.rss", "" for the home page) with each segment percent-encoded. */
export function siteUrl(site: { baseUrl: string }, path: string): string {
  return `${site.baseUrl}/${encodePath(path)}`;
}

/** An article's page as feeds link to it: the file `tidings build` writes, so any web server has it. */
export const articleUrl = (site: { baseUrl: string }, id: string) => siteUrl(site, articlePath(id));

const encodePath = (path: string) =>
  path
    .split('/')
    .map((segment) => encodeURIComponent(safeText(segment)))
    .join('/');

/**
 * A link from one page of the site to another, relative: `from` and `to` are site paths
 * ("tags/x/page/2.html", "index.html"), `query` a query string ("?q=tram") for the daemon's own
 * pages. Relative links work from any web server, under any sub-path and opened from disk, which
 * is why every HTML page links to files by their names (index.html, not "./").
 */
export function relativeHref(from: string, to: string, query = ''): string {
  const depth = from.split('?')[0]!.split('/').length - 1;
  return `${'../'.repeat(depth)}${encodePath(to)}${query}`;
}

/** A guid that survives a change of baseUrl. Never change it: readers know articles by it. */
export const articleGuid = (id: string) => `urn:tidings:article:${id}`;

/**
 * A feed's Atom id: `urn:tidings:feed:all`, `urn:tidings:feed:tags:climate`. Like the guids it
 * survives a change of baseUrl. RFC 2141 keeps "/" and "~" out of a URN, so the path's segments
 * are joined with ":" and each is percent-encoded (":" inside a slug too, so no two paths meet).
 */
export function feedId(path: string): string {
  return `urn:tidings:feed:${path
    .split('/')
    .map((segment) => encodeURIComponent(safeText(segment)).replaceAll('~', '%7E'))
    .join(':')}`;
}

/** `ref` as an absolute http(s) URL, resolved against `base`; undefined when it is none. */
export function webUrl(ref: string | undefined, base?: string): string | undefined {
  if (!ref?.trim()) return undefined;
  try {
    const url = new URL(ref.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// Stored content was written by the sanitizer: attributes double-quoted, and no ">" inside one.
const TAG = /<[a-z][^>]*>/gi;
const URL_ATTR = /(\s(?:href|src|cite)=")([^"]*)"/gi;
const RELATIVE_URL_ATTR = /\s(?:href|src|cite)="(?![a-z][a-z0-9+.-]*:)/i;
const HAS_SCHEME = /^\s*[a-z][a-z0-9+.-]*:/i;

/**
 * Sanitized HTML with its relative links made absolute against `base` (the article's link): a
 * feed is read far from where its article lives, and the feed validator flags relative references.
 */
export function absoluteLinks(html: string, base: string): string {
  if (!RELATIVE_URL_ATTR.test(html)) return html;
  return html.replace(TAG, (tag) =>
    tag.replace(URL_ATTR, (whole, head: string, value: string) => {
      const ref = decodeHTML(value);
      if (HAS_SCHEME.test(ref)) return whole;
      try {
        return `${head}${escapeHtml(new URL(ref.trim(), base).href)}"`;
      } catch {
        return whole;
      }
    }),
  );
}

/**
 * Whether a tag has feeds and a page: its slug must name a file of `tidings build` and a URL. Not
 * empty, no path separator or dot segment, no character safeText drops (a NUL cannot be in a file
 * name), and short enough for a file name of 255 bytes ("{slug}.atom" and a temporary suffix).
 * Slugs stored under an older slug rule may fail it; such a tag is named, but links nowhere.
 */
export function isPublishedTag(tag: Tag): boolean {
  const slug = tag.slug;
  return (
    slug !== '' &&
    slug !== '.' &&
    slug !== '..' &&
    !/[/\\]/.test(slug) &&
    safeText(slug) === slug &&
    Buffer.byteLength(slug) <= 200
  );
}
