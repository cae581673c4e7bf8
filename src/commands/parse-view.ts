// The `tidings parse --json` view of a parsed feed: the neutral schema of the conformance corpus.
// Text values keep their type: plain text as text, HTML sanitized with relative URLs resolved.
import type { Entry } from '../model.js';
import type { RawFeed, Text } from '../parse/types.js';
import { fixMojibake } from '../lib/text.js';
import { cleanHtmlAsWritten } from '../normalize/html.js';

const iso = (d: Date | undefined) => d?.toISOString() ?? null;

function textValue(text: Text | undefined): string | null {
  if (!text) return null;
  return text.type === 'text' ? fixMojibake(text.value) : cleanHtmlAsWritten(text.value, text.base);
}

export function feedToJson(feed: RawFeed) {
  return {
    format: feed.format,
    version: feed.version,
    bozo: feed.bozo ?? false,
    warnings: feed.warnings,
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
      enclosures: e.enclosures.map((x) => ({ url: x.url, type: x.type ?? null, length: x.length != null ? String(x.length) : null })),
      language: e.language ?? null,
    })),
  };
}

/** The same view of one seed document. */
export function entryToJson(entry: Entry, warnings: string[]) {
  return {
    format: 'seed',
    warnings,
    feed: { title: null, link: null, description: null, language: null, updated: null },
    entries: [
      {
        id: entry.identity,
        title: entry.title,
        link: entry.link ?? null,
        published: entry.published.toISOString(),
        updated: (entry.updated ?? entry.published).toISOString(),
        author: entry.author ?? null,
        summary: entry.summary,
        content: entry.content,
        tags: entry.tags.map((t) => t.label),
        enclosures: [],
      },
    ],
  };
}
