// Full text for new entries (issue 24): each entry's link is fetched (under the source's fetch
// rules) and its article extracted, keyed by canonical link so that a story carried by several
// sources is fetched and extracted once per process; at most `perTick` pages per source per
// refresh. A failure keeps the feed's text and is counted and reported; it never fails the entry.
import { errorMessage } from '../errors.js';
import type { Entry } from '../model.js';
import type { FetchResponse } from './fetch.js';

export const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

export interface FullTextCounts {
  /** Pages fetched and extracted. */
  extracted: number;
  /** Articles already extracted for the same link (another source's, or an earlier refresh's). */
  reused: number;
  failed: number;
  /** Entries past `perTick`: they keep the feed's text, and are tried again at the next refresh that reads them. */
  deferred: number;
}

/** Extracted articles by canonical link, least recently used out first, within a character budget. */
export class FullTextCache {
  private readonly map = new Map<string, Promise<string>>();
  private readonly sizes = new Map<string, number>();
  private chars = 0;

  constructor(
    private readonly maxEntries = 500,
    private readonly maxChars = 16 * 1024 * 1024,
  ) {}

  get(link: string): Promise<string> | undefined {
    const hit = this.map.get(link);
    if (hit) {
      this.map.delete(link);
      this.map.set(link, hit);
    }
    return hit;
  }

  /** Remembers an extraction under way; forgets it if it fails. */
  set(link: string, pending: Promise<string>): void {
    this.forget(link);
    this.map.set(link, pending);
    pending.then(
      (content) => {
        if (this.map.get(link) !== pending) return;
        this.sizes.set(link, content.length);
        this.chars += content.length;
        this.evict();
      },
      () => {
        if (this.map.get(link) === pending) this.forget(link);
      },
    );
    this.evict();
  }

  private forget(link: string): void {
    this.map.delete(link);
    this.chars -= this.sizes.get(link) ?? 0;
    this.sizes.delete(link);
  }

  private evict(): void {
    for (const [link] of this.map) {
      if (this.map.size <= this.maxEntries && this.chars <= this.maxChars) return;
      this.forget(link);
    }
  }
}

export interface FullTextDeps {
  /** Fetches an article page (the source's fetch rules, its host's places). */
  fetchPage: (url: string) => Promise<FetchResponse>;
  /** The page's article as sanitized HTML; throws when there is none. */
  extract: (page: { bytes: Uint8Array; contentType?: string; url: string }) => Promise<string>;
  /** The entry with the article as its content (and fingerprinted again). */
  finish: (entry: Entry, content: string) => Promise<Entry>;
  cache: FullTextCache;
  perTick: number;
  /** What another source stored for the link, if anything (another process may have extracted it). */
  stored?: (link: string) => Promise<string | undefined>;
}

/** The entry with another source's stored article for its link, when that is longer than the entry's own text. */
async function reuseStored(entry: Entry, link: string, deps: FullTextDeps): Promise<Entry | undefined> {
  const stored = await deps.stored?.(link);
  if (!stored) return undefined;
  try {
    const done = await deps.finish(entry, stored);
    deps.cache.set(link, Promise.resolve(stored));
    return done;
  } catch {
    return undefined; // no longer than the feed's text: the page is fetched
  }
}

/** The entries, with their articles where they could be had; the counts and one line per failure. */
export async function addFullTexts(
  entries: readonly Entry[],
  deps: FullTextDeps,
): Promise<{ entries: Entry[]; counts: FullTextCounts; failures: string[]; fetched: number }> {
  const counts: FullTextCounts = { extracted: 0, reused: 0, failed: 0, deferred: 0 };
  const failures: string[] = [];
  const out: Entry[] = [];
  let fetched = 0;
  for (const entry of entries) {
    const link = entry.link;
    if (!link) {
      out.push(entry);
      continue;
    }
    let pending = deps.cache.get(link);
    if (!pending) {
      const done = await reuseStored(entry, link, deps);
      if (done) {
        counts.reused += 1;
        out.push(done);
        continue;
      }
    }
    const reused = Boolean(pending);
    if (!pending) {
      if (fetched >= deps.perTick) {
        counts.deferred += 1;
        out.push({ ...entry, rawHash: undefined }); // read again at the next refresh
        continue;
      }
      fetched += 1;
      pending = deps
        .fetchPage(link)
        .then((page) =>
          deps.extract({ bytes: page.body ?? new Uint8Array(), contentType: page.headers.contentType, url: page.url }),
        );
      deps.cache.set(link, pending);
    }
    try {
      out.push(await deps.finish(entry, await pending));
      counts[reused ? 'reused' : 'extracted'] += 1;
    } catch (err) {
      counts.failed += 1;
      failures.push(`full text of ${link}: ${errorMessage(err)}`);
      out.push(entry);
    }
  }
  return { entries: out, counts, failures, fetched };
}
