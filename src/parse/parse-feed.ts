// Feed bytes → RawFeed: decode, detect the format from the content, parse. XML is read as it comes,
// each entry handed over as soon as it is read (readFeed); parseFeed keeps them all.
import { errorMessage, NotAFeedError } from '../errors.js';
import type { Refusal } from '../model.js';
import { atomReader } from './atom.js';
import { decodeFeed } from './decode.js';
import { detectFormat } from './detect.js';
import { parseJsonFeed } from './json-feed.js';
import { rssReader } from './rss.js';
import type { FeedMeta, ParseOptions, RawEntry, RawFeed } from './types.js';
import { readXml, type FeedReader } from './xml-tree.js';

export interface FeedDocument extends ParseOptions {
  /** HTTP Content-Type, for its charset only. */
  contentType?: string;
}

/** Takes each entry read, with its place among those read (from 1). */
export type EntrySink = (entry: RawEntry, position: number) => void;

// xml:lang="en_US" is common; BCP 47 wants a hyphen.
const languageTag = (lang?: string) => lang?.trim().replace(/_/g, '-') || undefined;

/** The reader of one reading of an XML document: its entries to `sink`, a bad one refused with its place ("entry 3"). */
function xmlHandlers(doc: ParseOptions, sink: EntrySink) {
  const warnings: string[] = [];
  const refused: Refusal[] = [];
  let reader: FeedReader | undefined;
  let [seen, read] = [0, 0];
  return {
    warnings,
    refused,
    feed: () => reader!.feed(),
    root: (root: Parameters<FeedReader['entry']>[0]) => {
      if (!/^(?:rdf|rss|feed)$/.test(root.local))
        throw new NotAFeedError('not a feed: no rss, RDF or feed element at the root');
      reader = (root.local === 'feed' ? atomReader : rssReader)(root, doc, warnings);
      return reader;
    },
    entry: (element: Parameters<FeedReader['entry']>[0]) => {
      seen += 1;
      let entry: RawEntry;
      try {
        entry = reader!.entry(element);
      } catch (err) {
        refused.push({ file: `entry ${seen}`, reason: errorMessage(err) });
        return;
      }
      sink({ ...entry, language: languageTag(entry.language) }, (read += 1));
    },
  };
}

/**
 * A feed's entries, each to the sink `begin()` gives as soon as it is read, and then what the feed
 * says of itself. An ill-formed XML document may be read again (repaired, then leniently): `begin`
 * is called for each reading, and what an earlier sink took is to be dropped.
 */
export async function readFeed(bytes: Uint8Array, doc: FeedDocument, begin: () => EntrySink): Promise<FeedMeta> {
  const decoded = decodeFeed(bytes, doc.contentType);
  const detected = detectFormat(decoded.text, doc.url);
  let feed: FeedMeta;
  if (detected.kind === 'json') {
    const { entries, ...json } = parseJsonFeed(decoded.text, doc);
    const sink = begin();
    entries.forEach((entry, i) => sink({ ...entry, language: languageTag(entry.language) }, i + 1));
    feed = json;
  } else if (detected.kind === 'html') {
    const links = detected.alternates;
    throw new NotAFeedError(
      links.length
        ? `not a feed: an HTML page that links to the feed${links.length > 1 ? 's' : ''} ${links.join(', ')}`
        : 'not a feed: an HTML page without feed links',
      links,
    );
  } else if (detected.kind === 'unknown') {
    throw new NotAFeedError('not a feed: neither XML nor JSON');
  } else {
    let handlers!: ReturnType<typeof xmlHandlers>;
    const { bozo } = readXml(decoded.text, doc.url, () => (handlers = xmlHandlers(doc, begin())));
    feed = { ...handlers.feed(), warnings: handlers.warnings, refused: handlers.refused, ...(bozo ? { bozo } : {}) };
  }
  feed.language = languageTag(feed.language);
  if (decoded.warning) {
    feed.warnings.unshift(decoded.warning);
    feed.bozo ??= decoded.warning;
  }
  return feed;
}

/** A whole feed: every entry kept. */
export async function parseFeed(bytes: Uint8Array, doc: FeedDocument = {}): Promise<RawFeed> {
  let entries: RawEntry[] = [];
  const feed = await readFeed(bytes, doc, () => {
    entries = [];
    return (entry) => entries.push(entry);
  });
  return { ...feed, entries };
}
