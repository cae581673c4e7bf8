// tidings sources add URL|PATH: check that it is a feed (an HTML page: through its autodiscovery
// links), then add it to the configuration, keeping its comments and order.
import { statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { addSources } from '../config/edit-config.js';
import { sourceLocation } from '../config/paths.js';
import type { Source } from '../config/schema.js';
import { errorMessage, InputError, UsageError } from '../errors.js';
import { readFeedFile } from '../ingest/files.js';
import type { RawFeed } from '../parse/types.js';
import { describeCandidate, discoverWith } from './discover.js';
import { isUrl, parseDocument } from '../session/read-feed.js';
import type { Session } from '../session/session.js';
import { freeName, SOURCE_NAME } from '../config/source-name.js';
import { tellDaemon } from '../session/tell-daemon.js';
import { plural } from '../lib/plural.js';

export interface AddArgs {
  target: string;
  name?: string;
  tag?: string[];
  /** Which of several discovered feeds, from 1. */
  pick?: number;
  /** fullText: true on the new feed source. */
  fullText?: boolean;
}

/** The URL as a feed, or the feed discovery finds (the first, or the one --pick names), said when it is another. */
async function fromUrl(
  session: Session,
  target: string,
  pick?: number,
): Promise<{ feed: RawFeed; entry: Record<string, unknown> }> {
  const config = session.config();
  const found = await discoverWith(session, target);
  if (pick !== undefined && (pick < 1 || pick > found.length))
    throw new UsageError(
      `--pick ${pick}: ${target} leads to ${found.length === 1 ? '1 feed' : `${found.length} feeds`} (see tidings sources discover ${target})`,
    );
  const chosen = found[(pick ?? 1) - 1]!;
  if (found.length > 1 || chosen.how !== 'the URL itself') {
    session.print(
      `${target} is not a feed itself; found ${found.length === 1 ? '1 feed' : `${found.length} feeds`} (${chosen.how === 'the page links to it' ? 'its autodiscovery links' : chosen.how}):`,
    );
    found.forEach((c, i) => session.print(`  ${describeCandidate(c, i)}`));
    session.print(`chose ${chosen.url}${found.length > 1 && pick === undefined ? ' (another with --pick N)' : ''}`);
  }
  const { url, feed } = chosen;
  if (config.sources.some((s) => s.type === 'feed' && s.url === url))
    throw new UsageError(`${url} is already a source in ${config.file}`);
  return { feed, entry: { type: 'feed', url } };
}

async function fromFile(session: Session, target: string): Promise<{ feed: RawFeed; entry: Record<string, unknown> }> {
  const config = session.config();
  const path = resolve(target);
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory())
      throw new InputError(`${target}: a folder; for seed documents add {type: seeds, path: ${target}} by hand`);
    bytes = await readFeedFile(path, config.fetch.maxBodySize);
  } catch (err) {
    throw err instanceof InputError
      ? err
      : new InputError(`${target}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  try {
    return {
      feed: await parseDocument(session, bytes, {}),
      entry: { type: 'file', path: relative(dirname(config.file), path) },
    };
  } catch (err) {
    throw new InputError(`${target}: ${errorMessage(err)}`);
  }
}

export async function sourcesAddCommand(
  session: Session,
  { target, name, tag, pick, fullText }: AddArgs,
): Promise<number> {
  const config = session.config();
  if (name !== undefined && !SOURCE_NAME.test(name))
    throw new UsageError(`--name ${JSON.stringify(name)}: expected a slug: lowercase letters, digits, "-" and "_"`);
  if (name && config.sources.some((s) => s.name === name))
    throw new UsageError(`a source named ${name} exists already in ${config.file}`);
  // file:, ftp:, javascript:, data:… are not paths, and not feeds Tidings fetches.
  if (!isUrl(target) && /^[a-z][a-z\d+.-]+:/i.test(target))
    throw new UsageError(`${target}: only http and https URLs can be added, or the path of a feed file`);
  const { feed, entry } = isUrl(target) ? await fromUrl(session, target, pick) : await fromFile(session, target);
  const taken = new Set(config.sources.map((s) => s.name));
  const title = feed.title?.value.replace(/<[^>]*>/g, '').trim();
  const chosen =
    name ??
    freeName(
      title ?? '',
      isUrl(target) ? new URL(target).hostname.replace(/^www\./, '') : basename(target).replace(/\.\w+$/, ''),
      taken,
    );
  if (fullText && entry.type !== 'feed')
    throw new UsageError(`--full-text: only a feed at a URL has article pages to fetch, not ${target}`);
  const source = {
    name: chosen,
    ...(title ? { title } : {}),
    ...entry,
    ...(tag?.length ? { tags: tag } : {}),
    ...(fullText ? { fullText: true } : {}),
  };
  addSources(config.file, [source]);
  session.print(
    `added ${chosen}: ${sourceLocation(source as Source)} (${feed.format} ${feed.version}, ${plural(feed.entries.length, 'entry', 'entries')}) to ${config.file}`,
  );
  await tellDaemon(session);
  return 0;
}
