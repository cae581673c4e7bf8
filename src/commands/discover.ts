// Feed discovery (issue 24), in Miniflux's order: the URL as a feed; the feeds its page links to
// (<link rel=alternate>); YouTube and GitHub pages' feeds; then the well-known paths. The first step
// that finds feeds gives the candidates, each fetched and parsed (so each is known to be a feed).
// `tidings sources discover URL` lists them; `sources add` takes the first, or the one --pick names.
import { errorMessage, InputError, NotAFeedError } from '../errors.js';
import { documentOf, fetchDepsOf, fetchFeed, type FetchDeps } from '../ingest/fetch.js';
import { githubFeeds, wellKnownFeeds, youtubeFeeds } from '../lib/feed-candidates.js';
import { plural } from '../lib/plural.js';
import type { RawFeed } from '../parse/types.js';
import { parseDocument } from '../session/read-feed.js';
import type { Session } from '../session/session.js';

export interface Candidate {
  url: string;
  feed: RawFeed;
  /** Which step found it. */
  how: 'the URL itself' | 'the page links to it' | 'YouTube' | 'GitHub' | 'a well-known path';
}

export interface DiscoverDeps {
  fetch: FetchDeps;
  parse: (bytes: Uint8Array, doc: ReturnType<typeof documentOf>) => Promise<RawFeed>;
}

/** A URL as a feed: its document parsed, or the error and the page's text when it is not one. */
async function tryFeed(
  url: string,
  deps: DiscoverDeps,
): Promise<{ feed?: RawFeed; url: string; page?: string; error?: unknown }> {
  try {
    const response = await fetchFeed({ url }, deps.fetch);
    // fetchFeed refuses a 304 to a request that named no version: an answer here has a body.
    try {
      return { feed: await deps.parse(response.body!, documentOf(response)), url: response.url };
    } catch (error) {
      return { url: response.url, error, page: response.body!.subarray(0, 1 << 20).toString('utf8') };
    }
  } catch (error) {
    return { url, error };
  }
}

/** Those of `urls` that are feeds, in order (fetched a few at a time). */
async function feedsAmong(urls: string[], how: Candidate['how'], deps: DiscoverDeps): Promise<Candidate[]> {
  const unique = [...new Set(urls)].slice(0, 12);
  const found: Candidate[] = [];
  for (let at = 0; at < unique.length; at += 4) {
    const tried = await Promise.all(unique.slice(at, at + 4).map((url) => tryFeed(url, deps)));
    for (const t of tried)
      if (t.feed && !found.some((c) => c.url === t.url)) found.push({ url: t.url, feed: t.feed, how });
  }
  return found;
}

/** The feeds a URL leads to, by the first step that finds any; throws when none does. */
export async function discoverFeeds(target: string, deps: DiscoverDeps): Promise<Candidate[]> {
  const first = await tryFeed(target, deps);
  if (first.feed) return [{ url: first.url, feed: first.feed, how: 'the URL itself' }];
  // Not fetched at all (an HTTP error, a refusal): nothing to discover from.
  if (first.page === undefined) throw new InputError(`${target}: ${errorMessage(first.error)}`);
  const page = new URL(first.url);
  const steps: [Candidate['how'], string[]][] = [
    ['the page links to it', first.error instanceof NotAFeedError ? first.error.alternates : []],
    ['YouTube', youtubeFeeds(page, first.page)],
    ['GitHub', githubFeeds(page)],
    ['a well-known path', wellKnownFeeds(page)],
  ];
  for (const [how, urls] of steps) {
    const found = await feedsAmong(urls, how, deps);
    if (found.length) return found;
  }
  throw new InputError(
    `${target}: not a feed, and no feed found through its page's links, YouTube or GitHub rules, or the well-known paths (${errorMessage(first.error)})`,
  );
}

/** Discovery with the configuration's fetch settings and the session's workers. */
export function discoverWith(session: Session, target: string): Promise<Candidate[]> {
  return discoverFeeds(target, {
    fetch: fetchDepsOf(session.configOrDefaults()),
    parse: (bytes, doc) => parseDocument(session, bytes, doc),
  });
}

export function describeCandidate(c: Candidate, i: number): string {
  const title = c.feed.title?.value.replace(/<[^>]*>/g, '').trim();
  return `${i + 1}. ${c.url}  (${c.feed.format} ${c.feed.version}${title ? `, "${title}"` : ''}, ${plural(c.feed.entries.length, 'entry', 'entries')}; ${c.how})`;
}

/** tidings sources discover URL: the candidates, numbered as --pick counts them. */
export async function sourcesDiscoverCommand(
  session: Session,
  { target, json }: { target: string; json: boolean },
): Promise<number> {
  const found = await discoverWith(session, target);
  if (json)
    session.print(
      JSON.stringify(
        found.map((c) => ({
          url: c.url,
          how: c.how,
          format: c.feed.format,
          title: c.feed.title?.value ?? null,
          entries: c.feed.entries.length,
        })),
      ),
    );
  else found.forEach((c, i) => session.print(describeCandidate(c, i)));
  return 0;
}
