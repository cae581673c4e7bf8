// RawFeed entries → canonical Entry objects: plain-text titles and summaries, sanitized content,
// canonical links, clamped dates, merged tags and a stable identity.
import { createHash } from 'node:crypto';
import type { Entry } from '../model.js';
import type { RawEntry, RawFeed, Text } from '../parse/types.js';
import { fingerprint } from '../dedupe/fingerprint.js';
import { cleanHtml, htmlToText, textOfSanitized } from './html.js';
import { toTags } from './tags.js';
import { collapseWhitespace, escapeHtml, firstSentence, fixMojibake, truncateAtWord } from './text.js';
import { canonicalUrl, resolveUrl } from './urls.js';

export const MAX_TITLE = 300;
export const MAX_SUMMARY = 500;
const DAY = 86_400_000;

export interface NormalizeOptions {
  /** Fetch time: dates more than a day after it are clamped to it; undated entries get it. */
  now: Date;
  /** The source's configured tags, added to every entry. */
  tags?: readonly string[];
  /** More query parameters to strip from links. */
  trackingParams?: readonly string[];
  tagAliases?: Readonly<Record<string, string>>;
  maxItems?: number;
  /** Identity → raw hash of the source's stored articles: those entries are skipped unnormalized. */
  known?: Readonly<Record<string, string>>;
}

/** Plain text; with a `limit`, only its first `limit` characters are sure to be right. */
function plain(text: Text | undefined, limit = Infinity): string {
  if (!text) return '';
  return text.type === 'html' ? htmlToText(fixMojibake(text.value), limit) : collapseWhitespace(fixMojibake(text.value));
}

function html(text: Text): string {
  if (text.type === 'html') return cleanHtml(text.value, text.base);
  return fixMojibake(text.value)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

function clamp(date: Date | undefined, now: Date): Date | undefined {
  return date && date.getTime() > now.getTime() + DAY ? now : date;
}

/** guid; guid + link where the feed repeats a guid; link; a hash of title, date and content. */
function identities(entries: RawEntry[], links: (string | undefined)[]): string[] {
  const counts = new Map<string, number>();
  for (const e of entries) if (e.id) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  return entries.map((e, i) => {
    if (e.id) return counts.get(e.id)! > 1 && links[i] ? `${e.id}\n${links[i]}` : e.id;
    if (links[i]) return links[i]!;
    const basis = JSON.stringify([e.title?.value, e.published?.getTime(), e.content?.value ?? e.summary?.value]);
    return `sha256:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
  });
}

export function normalizeEntry(raw: RawEntry, identity: string, link: string | undefined, opts: NormalizeOptions): Entry {
  const body = raw.content ?? raw.summary;
  const content = body ? html(body) : '';
  // With content, the summary's text is only cut to a summary (or a title): its start is enough.
  const summaryText = plain(raw.summary, content ? MAX_SUMMARY : Infinity) || htmlToText(content);
  const title = truncateAtWord(plain(raw.title) || firstSentence(summaryText, MAX_TITLE), MAX_TITLE);
  const text = content ? textOfSanitized(content) : summaryText;
  const published = clamp(raw.published ?? raw.updated, opts.now) ?? opts.now;
  const updated = clamp(raw.updated, opts.now);
  return {
    identity,
    title,
    link,
    published,
    updated: updated && updated > published ? updated : undefined,
    author: raw.author ? fixMojibake(raw.author).replace(/\s+/g, ' ').trim() || undefined : undefined,
    summary: truncateAtWord(summaryText, MAX_SUMMARY),
    content,
    tags: toTags([...raw.tags.map((t) => t.label || t.term), ...(opts.tags ?? [])], opts.tagAliases),
    enclosures: raw.enclosures
      .map((e) => ({ ...e, url: resolveUrl(e.url, raw.base) ?? e.url }))
      .filter((e) => /^https?:\/\//i.test(e.url)),
    language: raw.language,
    text,
    fingerprint: fingerprint(title, text),
  };
}

/** A hash of everything a reader sees; a change means the article was edited. */
export function contentHash(entry: Entry): string {
  const { identity: _i, fingerprint: _f, text: _t, rawHash: _r, contentHash: _c, ...visible } = entry;
  return createHash('sha256').update(JSON.stringify(visible)).digest('hex').slice(0, 32);
}

/**
 * The entry as parsed, and the options that shape it: equal hashes normalize to equal articles.
 * Long strings (the HTML) go to the hash as they are, not through JSON's escaping, which cost more
 * than the hashing.
 */
function rawHash(raw: RawEntry, opts: NormalizeOptions): string {
  const hash = createHash('sha256');
  const long: string[] = [];
  const json = JSON.stringify([raw, opts.tags ?? [], opts.tagAliases ?? {}, opts.trackingParams ?? []], (_key, v: unknown) =>
    typeof v === 'string' && v.length > 200 ? `\u0000${long.push(v) - 1}` : v,
  );
  hash.update(json);
  for (const s of long) hash.update(`\u0000${s.length}\u0000`).update(s);
  return hash.digest('hex').slice(0, 32);
}

export interface NormalizedFeed {
  /** Entries to store. */
  entries: Entry[];
  /** Entries skipped because they are stored already exactly as parsed now. */
  unchanged: number;
}

/**
 * Every entry of a feed, at most `maxItems` of them (the feed's first ones). Entries the source
 * already stored, unchanged since, are skipped before the costly steps (sanitizing above all).
 */
export function normalizeFeed(feed: RawFeed, opts: NormalizeOptions): NormalizedFeed {
  const entries = opts.maxItems ? feed.entries.slice(0, opts.maxItems) : feed.entries;
  const links = entries.map((e) => canonicalUrl(e.link, e.base, opts.trackingParams));
  const ids = identities(entries, links);
  const out: Entry[] = [];
  let unchanged = 0;
  entries.forEach((e, i) => {
    const hash = rawHash(e, opts);
    if (opts.known?.[ids[i]!] === hash) unchanged += 1;
    else {
      const entry = normalizeEntry(e, ids[i]!, links[i], opts);
      out.push({ ...entry, rawHash: hash, contentHash: contentHash(entry) });
    }
  });
  return { entries: out, unchanged };
}
