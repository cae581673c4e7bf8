// What a document is, from its content alone: never from Content-Type or a file extension.
import { resolveUrl } from '../lib/urls.js';

export type Detected =
  | { kind: 'json' }
  | { kind: 'xml'; root: string }
  | { kind: 'html'; alternates: string[] }
  | { kind: 'unknown' };

// Skip the declaration, comments, processing instructions and the DOCTYPE (with its internal subset).
const PROLOG = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)*/i;

export function detectFormat(text: string, url?: string): Detected {
  const head = text.slice(0, 65536).replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(head)) return { kind: 'json' };
  const start = head.search(/<(?:\?xml|rss|rdf|[\w-]+:rdf|feed|[\w-]+:feed|[\w-]+:rss|channel)\b/i);
  const rest = start > 0 && !/<html/i.test(head.slice(0, start)) ? head.slice(start) : head;
  const afterProlog = rest.replace(PROLOG, '');
  const root = /^<([A-Za-z_][\w.:-]*)/.exec(afterProlog)?.[1]?.toLowerCase();
  if (root && /^(?:[\w-]+:)?(?:rss|rdf|feed)$/.test(root)) return { kind: 'xml', root };
  if (root === 'html' || /^<!doctype html/i.test(rest.replace(/^\s+/, '')) || /<html[\s>]/i.test(head)) {
    return { kind: 'html', alternates: feedLinks(text.slice(0, 262144), url) };
  }
  return root ? { kind: 'xml', root } : { kind: 'unknown' };
}

const FEED_TYPES = /^application\/(?:rss\+xml|atom\+xml|rdf\+xml|feed\+json|json)$|^text\/xml$/i;

/** The feed URLs an HTML page announces in <link rel="alternate" type="…" href="…">. */
function feedLinks(html: string, url?: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const attrs = new Map<string, string>();
    for (const m of tag.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g))
      attrs.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('alternate') || !FEED_TYPES.test(attrs.get('type') ?? '') || !attrs.get('href')) continue;
    const href = resolveUrl(decodeAttr(attrs.get('href')!), url);
    if (href && !found.includes(href)) found.push(href);
  }
  return found;
}

const decodeAttr = (v: string) =>
  v
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
