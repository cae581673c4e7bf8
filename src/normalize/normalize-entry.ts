// Raw entries → canonical Entry objects: plain-text titles and summaries, sanitized content,
// clamped dates, merged tags, the plain text and the content hash. Entries stored unchanged since
// the last fetch are skipped before any of that.
// Every string an entry is made of passes through safeText once, where it is made (here, and in
// html.ts for HTML, whose character references may name any character): what is stored can be
// written into any XML document and any database.
import { createHash } from 'node:crypto';
import { errorMessage } from '../errors.js';
import { paragraphsOfSanitized } from '../lib/html-text.js';
import { collapseWhitespace, escapeHtml, firstSentence, fixMojibake, truncateAtWord } from '../lib/text.js';
import { resolveUrl } from '../lib/urls.js';
import { safeText } from '../lib/xml-chars.js';
import { MAX_TAGS, type Enclosure, type Entry, type Refusal } from '../model.js';
import type { RawEntry, RawFeed, Text } from '../parse/types.js';
import { cleanHtmlAndText, htmlToText, type CleanHtml } from './html.js';
import { identifyEntries, newestOf, type IdentifiedEntry, type IdentifyOptions } from './identity.js';
import { NORMALIZER } from './normalizer-version.js';
import { toTags } from './tags.js';
import { dateUndated } from './undated.js';

const MAX_TITLE = 300;
const MAX_SUMMARY = 500;
/** An author's name, at most (a 64 KB author made a 133 KB feed of one item). */
const MAX_AUTHOR = 200;
const DAY = 86_400_000;

export interface NormalizeOptions extends IdentifyOptions {
  /** Fetch time: dates more than a day after it are clamped to it; undated entries get it. */
  now: Date;
  /** The source's configured tags, added to every entry. */
  tags?: readonly string[];
  tagAliases?: Readonly<Record<string, string>>;
  /** Identity → raw hash of the source's stored articles: those entries are skipped unnormalized. */
  known?: Readonly<Record<string, string>>;
  /** The normalizer version to record (NORMALIZER.version; tests play an upgrade with an older one). */
  normalizer?: number;
}

/** Plain text; with a `limit`, only its first `limit` characters are sure to be right. */
function plain(text: Text | undefined, limit = Infinity): string {
  if (!text) return '';
  return text.type === 'html'
    ? htmlToText(fixMojibake(text.value), limit)
    : collapseWhitespace(safeText(fixMojibake(text.value)));
}

const NO_BODY: CleanHtml = { html: '', text: '', paragraphs: '', prose: '' };

/** The body as sanitized HTML, with its text (one pass over HTML; plain text made into paragraphs). */
function html(text: Text): CleanHtml {
  if (text.type === 'html') return cleanHtmlAndText(text.value, text.base);
  const html = safeText(fixMojibake(text.value))
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
  const paragraphs = paragraphsOfSanitized(html);
  // Only paragraphs break this text: read as prose, it is the same.
  const words = paragraphs.replace(/\n/g, ' ');
  return { html, text: words, paragraphs, prose: words };
}

function clamp(date: Date | undefined, now: Date): Date | undefined {
  return date && date.getTime() > now.getTime() + DAY ? now : date;
}

/** A short attribute (a MIME type, a language tag): safe, trimmed, undefined when nothing is left. */
// Longer than these is not a real value but a hostile one (issue 25): dropped, as a cut one would be wrong.
const MAX_WORD = 100; // a media type, a language tag
const MAX_URL = 2048; // a link, an enclosure's URL
const MAX_ENCLOSURES = 16;

function word(value: string | undefined): string | undefined {
  const text = value === undefined || value.length > 4 * MAX_WORD ? undefined : safeText(value).trim();
  return text && text.length <= MAX_WORD ? text : undefined;
}

/** http(s) enclosures, their URLs resolved; a length only when it is a byte count. */
function enclosures(raw: RawEntry): Enclosure[] {
  return raw.enclosures
    .filter((e) => e.url.length <= MAX_URL)
    .map((e) => ({
      url: resolveUrl(safeText(e.url), raw.base) ?? '',
      type: word(e.type),
      length: Number.isSafeInteger(e.length) && e.length! >= 0 ? e.length : undefined,
    }))
    .filter((e) => /^https?:\/\//i.test(e.url) && e.url.length <= MAX_URL)
    .slice(0, MAX_ENCLOSURES);
}

/** When an entry is published, as stored: its own date (one far ahead clamped to now), else its undated date, else now. */
function publishedAt({ raw, undatedAt }: Pick<IdentifiedEntry, 'raw' | 'undatedAt'>, now: Date): Date {
  return clamp(raw.published ?? raw.updated, now) ?? undatedAt ?? now;
}

/**
 * Entries in the order they are stored: oldest first, so that insertion order follows publication
 * order (ties keep the feed's order). Taken before normalizing, from the dates normalizing keeps.
 */
export function oldestFirst(entries: readonly IdentifiedEntry[], now: Date): IdentifiedEntry[] {
  const time = new Map(entries.map((e) => [e, publishedAt(e, now).getTime()]));
  return [...entries].sort((a, b) => time.get(a)! - time.get(b)!);
}

function normalizeEntry({ raw, identity, link, undatedAt }: IdentifiedEntry, opts: NormalizeOptions): Entry {
  const body = raw.content ?? raw.summary;
  const clean = body ? html(body) : NO_BODY;
  const content = clean.html;
  // With content, the summary's text is only cut to a summary (or a title): its start is enough.
  const summaryText = plain(raw.summary, content ? MAX_SUMMARY : Infinity) || clean.prose;
  const title = truncateAtWord(plain(raw.title) || firstSentence(summaryText, MAX_TITLE), MAX_TITLE);
  const text = content ? clean.text : summaryText;
  const published = publishedAt({ raw, undatedAt }, opts.now);
  const updated = clamp(raw.updated, opts.now);
  const entry: Omit<Entry, 'contentHash'> = {
    identity,
    title,
    link: link && link.length <= MAX_URL ? link : undefined,
    published,
    updated: updated && updated > published ? updated : undefined,
    author:
      truncateAtWord(plain(raw.author === undefined ? undefined : { type: 'text', value: raw.author }), MAX_AUTHOR) ||
      undefined,
    summary: truncateAtWord(summaryText, MAX_SUMMARY),
    content,
    // The feed's first MAX_TAGS categories, and the source's own tags.
    tags: toTags([...raw.tags.slice(0, MAX_TAGS).map((t) => t.label || t.term), ...(opts.tags ?? [])], opts.tagAliases),
    enclosures: enclosures(raw),
    language: word(raw.language),
    text,
  };
  // The paragraphs go to the fingerprint stage, which would otherwise read them again from the content.
  const paragraphs = content ? { paragraphs: clean.paragraphs } : {};
  const normalizer = opts.normalizer ?? NORMALIZER.version;
  const dated = raw.published || raw.updated ? {} : { undated: true };
  return { ...entry, ...dated, contentHash: contentHash({ ...entry, ...dated }), normalizer, ...paragraphs };
}

/**
 * A hash of everything a reader sees; a change means the article was edited. An undated entry's
 * date is the one it was given when first stored (by the feed's date or the time first seen), not
 * part of what its feed says: read again (a forced refresh, a new feed date, an upgrade), it is not
 * an edit, and the stored date stays.
 */
export function contentHash(entry: Omit<Entry, 'contentHash'>): string {
  const {
    identity: _i,
    fingerprint: _f,
    text: _t,
    paragraphs: _p,
    rawHash: _r,
    undated,
    normalizer: _n,
    ...visible
  } = entry;
  // JSON leaves an undefined value out; a dated entry's fields keep their order (and stored hashes stay).
  const shown = undated ? { ...visible, published: undefined } : visible;
  return createHash('sha256').update(JSON.stringify(shown)).digest('hex').slice(0, 32);
}

/**
 * The entry as parsed, the options that shape it and the normalizer's version: equal hashes
 * normalize to equal articles, and a new normalizer reads every entry again.
 * Long strings (the HTML) go to the hash as they are, not through JSON's escaping, which cost more
 * than the hashing.
 */
function rawHash(raw: RawEntry, opts: NormalizeOptions): string {
  const hash = createHash('sha256');
  const long: string[] = [];
  const version = opts.normalizer ?? NORMALIZER.version;
  const json = JSON.stringify(
    [raw, opts.tags ?? [], opts.tagAliases ?? {}, opts.trackingParams ?? [], version],
    (_key, v: unknown) => (typeof v === 'string' && v.length > 200 ? `\u0000${long.push(v) - 1}` : v),
  );
  hash.update(json);
  for (const s of long) hash.update(`\u0000${s.length}\u0000`).update(s);
  return hash.digest('hex').slice(0, 32);
}

export interface NormalizedFeed {
  /** Entries to store. */
  entries: Entry[];
  /** Entries that could not be normalized, each with its place in the feed and the reason. */
  refused: Refusal[];
  /** Entries skipped because they are stored already exactly as parsed now. */
  unchanged: number;
}

/**
 * Drops the entries the source already stored exactly as parsed now, before the costly steps
 * (sanitizing above all); each kept entry carries its raw hash.
 */
export function skipUnchanged(
  entries: readonly IdentifiedEntry[],
  opts: NormalizeOptions,
): { entries: IdentifiedEntry[]; unchanged: number } {
  const kept: IdentifiedEntry[] = [];
  for (const e of entries) {
    const hash = rawHash(e.raw, opts);
    if (opts.known?.[e.identity] !== hash) kept.push({ ...e, rawHash: hash });
  }
  return { entries: kept, unchanged: entries.length - kept.length };
}

/**
 * Identified entries (a whole feed's, or a batch of them), as readers will see them. One that
 * cannot be normalized is refused, with its place in the feed; the others go on.
 */
export function normalizeEntries(
  entries: readonly IdentifiedEntry[],
  opts: NormalizeOptions,
): { entries: Entry[]; refused: Refusal[] } {
  const done: Entry[] = [];
  const refused: Refusal[] = [];
  for (const e of entries) {
    try {
      done.push({ ...normalizeEntry(e, opts), rawHash: e.rawHash ?? rawHash(e.raw, opts) });
    } catch (err) {
      refused.push({ file: `entry ${e.position}`, reason: `cannot be normalized: ${errorMessage(err)}` });
    }
  }
  return { entries: done, refused };
}

/** Every entry of a feed, at most `maxItems` of them (the newest), but those stored unchanged. */
export function normalizeFeed(feed: RawFeed, opts: NormalizeOptions): NormalizedFeed {
  const { entries, unchanged } = skipUnchanged(
    dateUndated(identifyEntries(newestOf(feed.entries, opts.maxItems), opts), feed, opts.now),
    opts,
  );
  return { ...normalizeEntries(entries, opts), unchanged };
}
