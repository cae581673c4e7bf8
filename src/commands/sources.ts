// tidings sources add/remove, import and export: the configuration file is edited in place.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { addSources, removeSource } from '../config/edit-config.js';
import { sourceLocation } from '../config/load-config.js';
import type { Config, Source } from '../config/schema.js';
import { errorMessage, InputError, NotAFeedError, UsageError } from '../errors.js';
import { documentOf, fetchFeed } from '../ingest/fetch.js';
import { parseOpml } from '../ingest/opml.js';
import { slugify } from '../normalize/tags.js';
import { escapeHtml as e } from '../normalize/text.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { RawFeed } from '../parse/types.js';
import type { Store } from '../store/store.js';

export interface CommandIo {
  print(line: string): void;
  userAgent: string;
}

const isUrl = (target: string) => /^https?:\/\//i.test(target);

async function fetchAndParse(url: string, config: Config, io: CommandIo): Promise<RawFeed> {
  const response = await fetchFeed({ url }, { userAgent: io.userAgent, limits: { allowPrivateNetworks: config.fetch.allowPrivateNetworks } });
  return parseFeed(response.body!, documentOf(response));
}

/** A slug not taken yet: "name", else "name-2", "name-3"… */
function freeName(wanted: string, taken: Set<string>): string {
  const base = slugify(wanted).replace(/[^a-z0-9_-]/g, '').slice(0, 40) || 'feed';
  let name = base;
  for (let i = 2; taken.has(name); i += 1) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

export async function addSource(config: Config, io: CommandIo, target: string, options: { name?: string; tag?: string[] }): Promise<number> {
  if (options.name && config.sources.some((s) => s.name === options.name)) throw new UsageError(`a source named ${options.name} exists already in ${config.file}`);
  let feed: RawFeed;
  let entry: Record<string, unknown>;
  if (isUrl(target)) {
    let url = target;
    try {
      feed = await fetchAndParse(url, config, io);
    } catch (err) {
      if (!(err instanceof NotAFeedError) || !err.alternates.length) throw new InputError(`${target}: ${errorMessage(err)}`);
      url = err.alternates[0]!;
      io.print(`${target} is an HTML page; its autodiscovery links name ${err.alternates.length} feed${err.alternates.length > 1 ? 's' : ''}; chose ${url}`);
      feed = await fetchAndParse(url, config, io);
    }
    if (config.sources.some((s) => s.type === 'feed' && s.url === url)) throw new UsageError(`${url} is already a source in ${config.file}`);
    entry = { type: 'feed', url };
  } else {
    const path = resolve(target);
    let bytes: Buffer;
    try {
      if (statSync(path).isDirectory()) throw new InputError(`${target}: a folder; for seed documents add {type: seeds, path: ${target}} by hand`);
      bytes = readFileSync(path);
    } catch (err) {
      throw err instanceof InputError ? err : new InputError(`${target}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
    }
    try {
      feed = await parseFeed(bytes);
    } catch (err) {
      throw new InputError(`${target}: ${errorMessage(err)}`);
    }
    entry = { type: 'file', path: relative(dirname(config.file), path) };
  }
  const taken = new Set(config.sources.map((s) => s.name));
  const title = feed.title?.value.replace(/<[^>]*>/g, '').trim();
  const name = options.name ?? freeName(title || (isUrl(target) ? new URL(target).hostname : target), taken);
  const source = { name, ...(title ? { title } : {}), ...entry, ...(options.tag?.length ? { tags: options.tag } : {}) };
  addSources(config.file, [source]);
  io.print(`added ${name}: ${sourceLocation(source as Source)} (${feed.format} ${feed.version}, ${feed.entries.length} entries) to ${config.file}`);
  return 0;
}

export function removeSourceCommand(config: Config, store: Store, io: CommandIo, name: string, purge: boolean): number {
  if (!config.sources.some((s) => s.name === name)) throw new UsageError(`unknown source: ${name} (see ${config.file})`);
  removeSource(config.file, name);
  io.print(`removed ${name} from ${config.file}`);
  if (purge) {
    const ids = store.listArticles({ source: name }).map((a) => a.id);
    io.print(`purged ${store.deleteArticles(ids, new Date())} articles of ${name}`);
  }
  return 0;
}

export async function importOpml(config: Config, io: CommandIo, file: string): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const subscriptions = await parseOpml(text, file);
  const known = new Set(config.sources.flatMap((s) => (s.type === 'feed' ? [s.url] : [])));
  const taken = new Set(config.sources.map((s) => s.name));
  const added: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  for (const sub of subscriptions) {
    let url: string;
    try {
      url = new URL(sub.xmlUrl).href;
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error('not http');
    } catch {
      skipped.push(`${sub.xmlUrl}: not an http(s) URL`);
      continue;
    }
    if (known.has(url) || known.has(sub.xmlUrl)) {
      skipped.push(`${sub.xmlUrl}: already a source`);
      continue;
    }
    known.add(url);
    added.push({ name: freeName(sub.title, taken), title: sub.title, type: 'feed', url: sub.xmlUrl, ...(sub.tags.length ? { tags: sub.tags } : {}) });
  }
  if (added.length) addSources(config.file, added);
  io.print(`${file}: ${subscriptions.length} feeds; added ${added.length}, skipped ${skipped.length}`);
  for (const a of added) io.print(`  added ${a.name}: ${a.url}${(a.tags as string[] | undefined)?.length ? ` [${(a.tags as string[]).join(', ')}]` : ''}`);
  for (const s of skipped) io.print(`  skipped ${s}`);
  return 0;
}

export function exportSources(config: Config, io: CommandIo, format: 'opml' | 'yaml'): number {
  if (format === 'yaml') {
    io.print(stringify({ sources: config.sources }).trimEnd());
    return 0;
  }
  const outlines = config.sources
    .filter((s): s is Extract<Source, { type: 'feed' }> => s.type === 'feed')
    .map((s) => `    <outline type="rss" text="${e(s.title ?? s.name)}" title="${e(s.title ?? s.name)}" xmlUrl="${e(s.url)}"${s.tags.length ? ` category="${e(s.tags.join(','))}"` : ''}/>`);
  io.print(`<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${e(config.site.title)} subscriptions</title>
  </head>
  <body>
${outlines.join('\n')}
  </body>
</opml>`);
  return 0;
}
