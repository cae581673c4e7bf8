// tidings parse [--json] INPUT…: seed documents, feed files or URLs, read without the database,
// then normalized as a refresh normalizes them: what the store would get.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { sourceLocation, sourcePath } from '../config/paths.js';
import { errorMessage } from '../errors.js';
import { describeVerdict, judge, rulesOf } from '../rules/rules.js';
import { readFeedFile } from '../ingest/files.js';
import { normalizeFeed } from '../normalize/normalize-entry.js';
import { decodeFeed } from '../parse/decode.js';
import { detectFormat } from '../parse/detect.js';
import { parseSeed } from '../parse/seed.js';
import type { RawFeed } from '../parse/types.js';
import { parseView } from '../normalize/parse-view.js';
import { fetchAndParse, isUrl, parseDocument } from '../session/read-feed.js';
import type { Session } from '../session/session.js';

export interface ParseArgs {
  inputs: string[];
  json: boolean;
  allowPrivateNetworks: boolean;
}

/** A file is a seed document unless its start, decoded as a feed is (UTF-16 included), is XML or JSON. */
function isSeedDocument(bytes: Uint8Array): boolean {
  const head = decodeFeed(bytes.subarray(0, 4096)).text;
  return detectFormat(head).kind === 'unknown' && !/^\uFEFF?\s*</.test(head);
}

async function readInput(session: Session, input: string, allowPrivateNetworks: boolean): Promise<RawFeed> {
  if (isUrl(input)) return fetchAndParse(session, input, { allowPrivateNetworks });
  const path = resolve(input);
  const bytes = await readFeedFile(path, session.configOrDefaults().fetch.maxBodySize);
  if (!isSeedDocument(bytes)) return parseDocument(session, bytes, {});
  const { entry, warnings } = parseSeed(
    bytes,
    input,
    basename(path),
    { timezone: 'UTC', titleFrom: 'hashtags' },
    statSync(path).mtime,
  );
  return { format: 'seeds', version: '1', skipHours: [], skipDays: [], entries: [entry], warnings, refused: [] };
}

async function parseInput(session: Session, input: string, allowPrivateNetworks: boolean): Promise<object> {
  const feed = await readInput(session, input, allowPrivateNetworks);
  const config = session.configOrDefaults();
  const now = new Date();
  const { entries } = normalizeFeed(feed, {
    now,
    trackingParams: config.trackingParams,
    tagAliases: config.tagAliases,
  });
  const view = parseView(feed, entries);
  // The keep and block rules of the source the input is (by URL or path), and the global ones: which matched.
  const source = config.sources.find(
    (s) =>
      s.type !== 'seeds' &&
      (sourceLocation(s) === input || (s.type === 'file' && sourcePath(config, s.path) === resolve(input))),
  );
  const rules = rulesOf(config, source);
  if (!rules.length) return view;
  return {
    ...view,
    articles: view.articles.map((article, i) => ({
      ...article,
      rules: describeVerdict(judge(entries[i]!, rules, now)),
    })),
  };
}

export async function parseCommand(
  session: Session,
  { inputs, json, allowPrivateNetworks }: ParseArgs,
): Promise<number> {
  let failed = 0;
  for (const input of inputs) {
    try {
      const result = await parseInput(session, input, allowPrivateNetworks);
      session.print(
        json ? JSON.stringify({ input, ok: true, ...result }) : JSON.stringify({ input, ...result }, null, 2),
      );
    } catch (err) {
      failed += 1;
      const error = errorMessage(err);
      if (json) session.print(JSON.stringify({ input, ok: false, error }));
      else session.io.err.write(`error: ${input}: ${error}\n`);
    }
  }
  return failed ? 1 : 0;
}
