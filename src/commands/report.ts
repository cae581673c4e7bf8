// tidings stats and tidings doctor.
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig, sourcePath, type Paths } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { FetchState } from '../store/fetch-state.js';
import { openDatabase, SCHEMA_VERSION } from '../store/open-store.js';
import { Store } from '../store/store.js';

/** One word for a source's state: ok, failing, gone or never checked. */
export function statusOf(state: FetchState | undefined): string {
  if (!state?.lastCheck) return 'never checked';
  if (state.gone) return 'gone';
  return state.consecutiveErrors ? 'failing' : 'ok';
}

export function collectStats(config: Config, store: Store, dbFile: string) {
  const states = store.fetchStates.list();
  const byStatus: Record<string, number> = {};
  for (const source of config.sources) {
    const status = statusOf(states.find((s) => s.name === source.name));
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
  const lastCheck = states.reduce((max, s) => Math.max(max, s.lastCheck?.getTime() ?? 0), 0);
  return {
    sources: { total: config.sources.length, byStatus },
    articles: {
      total: store.count('articles'),
      bySource: Object.fromEntries(config.sources.map((s) => [s.name, states.find((x) => x.name === s.name)?.articles ?? 0])),
      byTag: Object.fromEntries(store.tagCounts().slice(0, 20).map((t) => [t.slug, t.count])),
    },
    stories: store.db.prepare('SELECT coalesce(sum(is_canonical), 0) AS total, count(*) - coalesce(sum(is_canonical), 0) AS mergedDuplicates FROM articles').get() as { total: number; mergedDuplicates: number },
    database: { file: dbFile, bytes: size(dbFile) + size(`${dbFile}-wal`), schemaVersion: SCHEMA_VERSION },
    lastRefresh: lastCheck ? new Date(lastCheck).toISOString() : null,
  };
}

export function formatStats(stats: ReturnType<typeof collectStats>): string[] {
  const lines = [
    `sources: ${stats.sources.total} (${Object.entries(stats.sources.byStatus).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`,
    `articles: ${stats.articles.total} in ${stats.stories.total} stories (${stats.stories.mergedDuplicates} merged as duplicates)`,
    ...Object.entries(stats.articles.bySource).map(([name, n]) => `  ${name}: ${n}`),
    `top tags: ${Object.entries(stats.articles.byTag).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
    `database: ${stats.database.file}, ${(stats.database.bytes / 1048576).toFixed(1)} MiB, schema ${stats.database.schemaVersion}`,
    `last refresh: ${stats.lastRefresh ?? 'never'}`,
  ];
  return lines;
}

export interface Problem {
  what: string;
  fix: string;
}

/** Every check of `tidings doctor`; an empty list means all is well. */
export function diagnose(paths: Paths, report: (line: string) => void): Problem[] {
  const problems: Problem[] = [];
  const ok = (line: string) => report(`ok: ${line}`);
  let config: Config | undefined;
  try {
    config = loadConfig(paths.config);
    ok(`configuration ${paths.config} (${config.sources.length} sources)`);
  } catch (err) {
    problems.push({ what: errorMessage(err), fix: `edit ${paths.config} (tidings --help lists the keys; README.md documents them)` });
  }

  const folder = dirname(paths.db);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    const probe = join(folder, `.tidings-doctor-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
    ok(`storage folder ${folder} is writable`);
  } catch (err) {
    problems.push({ what: `storage folder ${folder} is not writable (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`, fix: `make it writable for this user, or pass --db with a path in a writable folder` });
  }

  if (existsSync(paths.db)) {
    try {
      const store = new Store(openDatabase(paths.db));
      try {
        const integrity = store.db.pragma('integrity_check', { simple: true });
        if (integrity === 'ok') ok(`database ${paths.db}: integrity ok, schema ${store.db.pragma('user_version', { simple: true })} of ${SCHEMA_VERSION}`);
        else problems.push({ what: `database ${paths.db}: integrity check says ${String(integrity)}`, fix: 'restore a backup, or move the file away and run tidings refresh to rebuild it from the sources' });
      } finally {
        store.close();
      }
    } catch (err) {
      problems.push({ what: errorMessage(err), fix: 'upgrade Tidings, or move the file away and run tidings refresh to start a new one' });
    }
  } else {
    ok(`database ${paths.db} does not exist yet; tidings refresh creates it`);
  }

  for (const source of config?.sources ?? []) {
    if (source.type === 'feed') continue;
    const path = sourcePath(config!, source.path);
    if (!existsSync(path)) problems.push({ what: `source ${source.name}: ${path} does not exist`, fix: `create it, or correct sources[${config!.sources.indexOf(source)}].path in ${config!.file}` });
    else if (source.type === 'seeds' && !statSync(path).isDirectory()) problems.push({ what: `source ${source.name}: ${path} is not a folder`, fix: `point path at a folder of *.txt seed documents in ${config!.file}` });
    else ok(`source ${source.name}: ${path}`);
  }
  return problems;
}

