// tidings parse [--json] INPUT…: seed documents, feed files or URLs, read without the database.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { readFeedFile } from '../ingest/files.js';
import { normalizeFeed } from '../normalize/normalize-entry.js';
import { detectFormat } from '../parse/detect.js';
import { parseSeed } from '../parse/seed.js';
import { entryToJson, feedToJson } from './parse-view.js';
import { fetchAndParse, isUrl, parseDocument } from './read-feed.js';
import type { Session } from './session.js';

export interface ParseArgs {
  inputs: string[];
  json: boolean;
  allowPrivateNetworks: boolean;
}

/** A file that is neither XML nor JSON is read as a seed document. */
async function parseInput(session: Session, input: string, allowPrivateNetworks: boolean): Promise<object> {
  if (isUrl(input)) return feedToJson(await fetchAndParse(session, input, { allowPrivateNetworks }));
  const path = resolve(input);
  const bytes = await readFeedFile(path, session.configOrDefaults().fetch.maxBodySize);
  if (detectFormat(new TextDecoder().decode(bytes.subarray(0, 4096))).kind === 'unknown' && !/^\s*</.test(bytes.subarray(0, 64).toString('latin1'))) {
    const { entry, warnings } = parseSeed(bytes, input, basename(path), { timezone: 'UTC', titleFrom: 'hashtags' }, statSync(path).mtime);
    const feed = { format: 'seeds' as const, version: '1', skipHours: [], skipDays: [], entries: [entry], warnings, refused: [] };
    return entryToJson(normalizeFeed(feed, { now: new Date() }).entries[0]!, warnings);
  }
  return feedToJson(await parseDocument(session, bytes, {}));
}

export async function parseCommand(session: Session, { inputs, json, allowPrivateNetworks }: ParseArgs): Promise<number> {
  let failed = 0;
  for (const input of inputs) {
    try {
      const result = await parseInput(session, input, allowPrivateNetworks);
      session.print(json ? JSON.stringify({ input, ok: true, ...result }) : JSON.stringify({ input, ...result }, null, 2));
    } catch (err) {
      failed += 1;
      const error = errorMessage(err);
      if (json) session.print(JSON.stringify({ input, ok: false, error }));
      else session.io.err.write(`error: ${input}: ${error}\n`);
    }
  }
  return failed ? 1 : 0;
}
