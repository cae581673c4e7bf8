// The `tidings parse --json` view of a document: the feed as parsed, in the neutral schema of the
// conformance corpus (`feed`, `entries`: text keeps its type, HTML sanitized with relative URLs
// resolved), and `articles`, what the store will get once the entries are normalized.
import type { Entry } from '../model.js';
import type { RawFeed, Text } from '../parse/types.js';
import { fixMojibake } from '../lib/text.js';
import { cleanHtmlAsWritten } from './html.js';

const iso = (d: Date | undefined) => d?.toISOString() ?? null;

function textValue(text: Text | undefined): string | null {
  if (!text) return null;
  return text.type === 'text' ? fixMojibake(text.value) : cleanHtmlAsWritten(text.value, text.base);
}

/** A normalized entry with what an Article shows (the store adds its id and source). */
function articleOf({ text: _t, paragraphs: _p, rawHash: _r, fingerprint: _f, ...article }: Entry) {
  return article;
}

export function parseView(feed: RawFeed, articles: readonly Entry[] = []) {
  return {
    format: feed.format,
    version: feed.version,
    bozo: feed.bozo ?? false,
    warnings: feed.warnings,
    refused: feed.refused,
    feed: {
      title: textValue(feed.title),
      link: feed.link ?? null,
      description: textValue(feed.description),
      language: feed.language ?? null,
      updated: iso(feed.updated),
    },
    entries: feed.entries.map((e) => ({
      id: e.id ?? null,
      title: textValue(e.title),
      link: e.link ?? null,
      published: iso(e.published),
      updated: iso(e.updated),
      author: e.author ?? null,
      summary: textValue(e.summary),
      content: textValue(e.content),
      tags: e.tags.map((t) => t.term),
      enclosures: e.enclosures.map((x) => ({
        url: x.url,
        type: x.type ?? null,
        length: x.length != null ? String(x.length) : null,
      })),
      language: e.language ?? null,
    })),
    articles: articles.map(articleOf),
  };
}
