// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) → RawFeed.
import { NotAFeedError, ParseError } from '../errors.js';
import type { Enclosure, Refusal } from '../model.js';
import { resolveUrl } from '../lib/urls.js';
import { feedDate } from './dates-in-feed.js';
import { readEntries } from './read-entries.js';
import type { ParseOptions, RawEntry, RawFeed } from './types.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function authorOf(item: Json): string | undefined {
  const authors = [...list(item.authors), item.author].filter(isObject);
  return authors.map((a) => str(a.name)).find(Boolean);
}

function jsonItem(item: Json, feed: Json, base: string | undefined, opts: ParseOptions, warnings: string[]): RawEntry {
  const html = str(item.content_html);
  const text = str(item.content_text);
  const attachments: Enclosure[] = list(item.attachments)
    .filter(isObject)
    .map((a) => ({
      url: resolveUrl(str(a.url), base) ?? '',
      type: str(a.mime_type),
      length: typeof a.size_in_bytes === 'number' ? a.size_in_bytes : undefined,
    }))
    .filter((a) => a.url);
  return {
    id: str(item.id),
    title: str(item.title) ? { type: 'text', value: str(item.title)! } : undefined,
    link: resolveUrl(str(item.url) ?? str(item.external_url), base),
    published: feedDate(str(item.date_published), 'item date_published', opts.timezone, warnings),
    updated: feedDate(str(item.date_modified), 'item date_modified', opts.timezone, warnings),
    author: authorOf(item) ?? authorOf(feed),
    summary: str(item.summary) ? { type: 'text', value: str(item.summary)! } : undefined,
    content: html ? { type: 'html', value: html, base } : text ? { type: 'text', value: text } : undefined,
    tags: list(item.tags)
      .map(str)
      .filter((t): t is string => Boolean(t))
      .map((term) => ({ term })),
    enclosures: attachments,
    language: str(item.language) ?? str(feed.language) ?? opts.language,
    base,
  };
}

export function parseJsonFeed(text: string, opts: ParseOptions): RawFeed {
  let feed: unknown;
  try {
    feed = JSON.parse(text);
  } catch (err) {
    throw new ParseError(`invalid JSON: ${(err as Error).message}`);
  }
  if (!isObject(feed)) throw new NotAFeedError('not a feed: JSON without an object at the top');
  const version = /^https?:\/\/jsonfeed\.org\/version\/(1(?:\.1)?)\/?$/.exec(str(feed.version) ?? '');
  if (!version)
    throw new NotAFeedError(`not a feed: JSON without a JSON Feed version (${JSON.stringify(feed.version ?? null)})`);
  const warnings: string[] = [];
  const refused: Refusal[] = [];
  // A document without a URL of its own (a local file) is based at its feed_url, as a reader that fetched it would be.
  const feedUrl = str(feed.feed_url);
  const base = opts.url ?? (feedUrl && /^https?:\/\//i.test(feedUrl) ? feedUrl : undefined);
  return {
    format: 'json',
    version: version[1]!,
    title: str(feed.title) ? { type: 'text', value: str(feed.title)! } : undefined,
    link: resolveUrl(str(feed.home_page_url), base),
    description: str(feed.description) ? { type: 'text', value: str(feed.description)! } : undefined,
    language: str(feed.language) ?? opts.language,
    skipHours: [],
    skipDays: [],
    entries: readEntries(
      list(feed.items).filter(isObject),
      (item) => jsonItem(item, feed as Json, base, opts, warnings),
      refused,
    ),
    warnings,
    refused,
  };
}
