// Article → FeedItem: what every format writes about one article, with what real feeds leave out
// or get wrong filled in (a title, absolute links, an enclosure's type and length).
import { textOfSanitized } from '../lib/html-text.js';
import { firstSentence } from '../lib/text.js';
import { safeText } from '../lib/xml-chars.js';
import { MAX_TAGS, type Article, type Tag } from '../model.js';
import { absoluteLinks, articleGuid, articleUrl, webUrl } from './urls.js';

export interface FeedEnclosure {
  url: string;
  type: string;
  /** Bytes; 0 when unknown (RSS 2.0 requires the attribute, and says 0 for that). */
  length: number;
}

export interface FeedItem {
  guid: string;
  /** The original, or the article's page here. */
  link: string;
  title: string;
  /** Plain text. */
  summary: string;
  /** HTML, its links absolute. */
  content: string;
  published: Date;
  updated: Date;
  author?: string;
  tags: Tag[];
  enclosures: FeedEnclosure[];
  language?: string;
}

/** Throws (and the article is left out, logged) only for a date no format can write. */
export function toFeedItem(article: Article, site: { baseUrl: string }): FeedItem {
  const link = webUrl(article.link) ?? articleUrl(site, article.id);
  return {
    guid: articleGuid(article.id),
    link,
    title: displayTitle(article),
    summary: article.summary,
    content: absoluteLinks(article.content, link),
    published: writableDate(article.published),
    updated: writableDate(article.updated),
    author: safeText(article.author ?? '').trim() || undefined,
    tags: article.tags.slice(0, MAX_TAGS).flatMap((t) => {
      const label = safeText(t.label).trim();
      return label ? [{ slug: safeText(t.slug) || label, label }] : [];
    }),
    enclosures: feedEnclosures(article),
    language: LANGUAGE_TAG.test(article.language ?? '') ? article.language : undefined,
  };
}

/** The article's enclosures as published: http(s) URLs, each with a media type; audio and video first (RSS 2.0 has room for one). */
export function feedEnclosures(article: Pick<Article, 'enclosures'>): FeedEnclosure[] {
  const all = article.enclosures.flatMap((e) => {
    const url = webUrl(e.url);
    return url
      ? [{ url, type: mediaType(e.type, url), length: Number.isSafeInteger(e.length) && e.length! > 0 ? e.length! : 0 }]
      : [];
  });
  return [...all.filter(isPlayable), ...all.filter((e) => !isPlayable(e))];
}

export const isPlayable = (e: FeedEnclosure) => /^(audio|video)\//i.test(e.type);
export const isImage = (e: FeedEnclosure) => /^image\//i.test(e.type);

// The shape of an RFC 5646 language tag ("en", "pt-BR", "zh-Hant-TW"): anything else is left out.
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

/**
 * The title, or for an article without one (readers show an empty line, RSS 2.0 needs a title or
 * a description) the first sentence of its text, else "Untitled".
 */
export function displayTitle(article: Pick<Article, 'title' | 'summary' | 'content'>): string {
  return (
    safeText(article.title).trim() ||
    firstSentence(safeText(article.summary)) ||
    firstSentence(safeText(textOfSanitized(article.content))) ||
    'Untitled'
  );
}

const EARLIEST = Date.parse('0000-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** RFC 3339 and RFC 822 have four-digit years. */
function writableDate(date: Date): Date {
  const time = date.getTime();
  if (!(time >= EARLIEST && time <= LATEST)) throw new RangeError(`a date no feed can carry: ${String(date)}`);
  return date;
}

// RFC 6838: type "/" subtype, then parameters.
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"\\]*"|[\w!#$&^.+-]+))*$/;

const BY_EXTENSION = new Map(
  Object.entries({
    mp3: 'audio/mpeg',
    m4a: 'audio/mp4',
    aac: 'audio/aac',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    opus: 'audio/ogg',
    flac: 'audio/flac',
    wav: 'audio/wav',
    mp4: 'video/mp4',
    m4v: 'video/mp4',
    webm: 'video/webm',
    ogv: 'video/ogg',
    mov: 'video/quicktime',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    webp: 'image/webp',
    avif: 'image/avif',
    svg: 'image/svg+xml',
    pdf: 'application/pdf',
    epub: 'application/epub+zip',
    zip: 'application/zip',
    torrent: 'application/x-bittorrent',
  }),
);

/** The enclosure's type when it is one, else a guess from the URL's extension, else application/octet-stream. */
function mediaType(type: string | undefined, url: string): string {
  const given = safeText(type ?? '').trim();
  if (MEDIA_TYPE.test(given)) return given;
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return BY_EXTENSION.get(extension ?? '') ?? 'application/octet-stream';
}
