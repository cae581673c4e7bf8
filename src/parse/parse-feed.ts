// Feed bytes → RawFeed: decode, detect the format from the content, parse.
import { NotAFeedError } from '../errors.js';
import { parseAtom } from './atom.js';
import { decodeFeed } from './decode.js';
import { detectFormat } from './detect.js';
import { parseJsonFeed } from './json-feed.js';
import { parseRss } from './rss.js';
import type { ParseOptions, RawFeed } from './types.js';
import { parseXml } from './xml-tree.js';

export interface FeedDocument extends ParseOptions {
  /** HTTP Content-Type, for its charset only. */
  contentType?: string;
}

export async function parseFeed(bytes: Uint8Array, doc: FeedDocument = {}): Promise<RawFeed> {
  const decoded = decodeFeed(bytes, doc.contentType);
  const detected = detectFormat(decoded.text, doc.url);
  let feed: RawFeed;
  if (detected.kind === 'json') {
    feed = parseJsonFeed(decoded.text, doc);
  } else if (detected.kind === 'html') {
    const links = detected.alternates;
    throw new NotAFeedError(
      links.length ? `not a feed: an HTML page that links to the feed${links.length > 1 ? 's' : ''} ${links.join(', ')}` : 'not a feed: an HTML page without feed links',
      links,
    );
  } else if (detected.kind === 'unknown') {
    throw new NotAFeedError('not a feed: neither XML nor JSON');
  } else {
    const { root, bozo } = await parseXml(decoded.text, doc.url);
    feed = root.local === 'feed' ? parseAtom(root, doc) : parseRss(root, doc);
    if (bozo) feed.bozo = bozo;
  }
  // xml:lang="en_US" is common; BCP 47 wants a hyphen.
  const tag = (lang?: string) => lang?.trim().replace(/_/g, '-') || undefined;
  feed.language = tag(feed.language);
  for (const entry of feed.entries) entry.language = tag(entry.language);
  if (decoded.warning) {
    feed.warnings.unshift(decoded.warning);
    feed.bozo ??= decoded.warning;
  }
  return feed;
}
