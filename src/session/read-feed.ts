// A feed at a URL or in a file, fetched with the configuration's limits and parsed by the workers:
// the same fetch and parse stages a refresh runs, for the commands that look at a feed first.
import { documentOf, fetchDepsOf, fetchFeed } from '../ingest/fetch.js';
import type { FeedSource } from '../config/schema.js';
import type { RawFeed } from '../parse/types.js';
import { transferable } from '../work/pool.js';
import { stage } from '../work/stage-call.js';
import type { Session } from './session.js';

export const isUrl = (target: string) => /^https?:\/\//i.test(target);

export function parseDocument(
  session: Session,
  bytes: Uint8Array,
  doc: { url?: string; contentType?: string; language?: string },
): Promise<RawFeed> {
  return session.work().run<RawFeed>([stage('parseFeed')], { bytes, doc }, transferable(bytes));
}

/** A feed fetched and parsed; with the configuration's source at that URL, under its own fetch options. */
export async function fetchAndParse(
  session: Session,
  url: string,
  options: { allowPrivateNetworks?: boolean } = {},
): Promise<RawFeed> {
  const config = session.configOrDefaults();
  const deps = fetchDepsOf(
    config,
    config.sources.find((s): s is FeedSource => s.type === 'feed' && s.url === url),
  );
  if (options.allowPrivateNetworks) deps.limits = { ...deps.limits, allowPrivateNetworks: true };
  // Nothing is asked conditionally: fetchFeed refuses a 304 to such a request, so there is a body.
  const response = await fetchFeed({ url }, deps);
  return parseDocument(session, response.body!, documentOf(response));
}
