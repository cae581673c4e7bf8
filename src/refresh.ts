// refreshSource: the one place that runs every stage, in pipeline order, for one source.
import type { Config, Source } from './config/schema.js';
import { sourcePath } from './config/load-config.js';
import { errorMessage, InputError } from './errors.js';
import { listSeedFiles, readSeedFile } from './ingest/seeds.js';
import type { Logger } from './log.js';
import type { Entry, RefreshResult } from './model.js';
import { toTags } from './normalize/tags.js';
import type { Store } from './store/store.js';

export interface RefreshDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => Date;
}

/** The source's configured tags go on every article, after its own. */
function withSourceTags(entry: Entry, source: Source): Entry {
  return source.tags.length ? { ...entry, tags: toTags([...entry.tags.map((t) => t.label), ...source.tags]) } : entry;
}

function readSeeds(source: Extract<Source, { type: 'seeds' }>, deps: RefreshDeps, result: RefreshResult): Entry[] {
  const dir = sourcePath(deps.config, source.path);
  let files: string[];
  try {
    files = listSeedFiles(dir);
  } catch (err) {
    throw new InputError(`${dir}: cannot read the seed folder (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const entries: Entry[] = [];
  for (const file of files) {
    try {
      const parsed = readSeedFile(dir, file, source);
      result.warnings.push(...parsed.warnings);
      entries.push(parsed.entry);
    } catch (err) {
      result.refused.push({ file: `${dir}/${file}`, reason: errorMessage(err).replace(`${dir}/${file}: `, '') });
    }
  }
  return entries;
}

export async function refreshSource(source: Source, deps: RefreshDeps): Promise<RefreshResult> {
  const now = deps.now?.() ?? new Date();
  const result: RefreshResult = { source: source.name, ok: true, new: 0, updated: 0, unchanged: 0, refused: [], warnings: [] };
  try {
    deps.store.upsertSource({ name: source.name, type: source.type, location: source.path }, now);
    const entries = readSeeds(source, deps, result).map((e) => withSourceTags(e, source));
    Object.assign(result, deps.store.ingest(source.name, entries, now));
  } catch (err) {
    result.ok = false;
    result.error = errorMessage(err);
    deps.log.error({ source: source.name }, `${source.name}: ${result.error}`);
  }
  for (const w of result.warnings) deps.log.warn({ source: source.name }, w);
  for (const r of result.refused) deps.log.warn({ source: source.name, file: r.file }, `${r.file}: refused: ${r.reason}`);
  if (result.refused.length) result.ok = false;
  return result;
}

/** Refreshes every source (or the named ones); one failure never stops the others. */
export async function refreshAll(deps: RefreshDeps, names?: string[]): Promise<RefreshResult[]> {
  const sources = names?.length ? deps.config.sources.filter((s) => names.includes(s.name)) : deps.config.sources;
  const results: RefreshResult[] = [];
  for (const source of sources) results.push(await refreshSource(source, deps));
  return results;
}
