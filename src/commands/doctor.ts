// tidings doctor: the configuration, the database (integrity, schema), that storage is writable and
// that every source path exists; each problem comes with its fix.
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readConfig } from '../config/cached-config.js';
import { describeDatabase, isPostgresUrl, sourcePath, type Paths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { sourceFetch } from '../config/source-fetch.js';
import { checkRules } from '../rules/rules.js';
import { describeRemoved, followConfiguration } from '../removed-sources.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { Session } from '../session/session.js';
import { plural } from '../lib/plural.js';
import { NORMALIZER } from '../normalize/normalizer-version.js';

interface Problem {
  what: string;
  fix: string;
}

/** Every check; an empty list means all is well. */
async function diagnose(paths: Paths, report: (line: string) => void): Promise<Problem[]> {
  const problems: Problem[] = [];
  const ok = (line: string) => report(`ok: ${line}`);
  let config: Config | undefined;
  try {
    config = checkRules(await readConfig(paths.config));
    ok(`configuration ${paths.config} (${plural(config.sources.length, 'source')})`);
  } catch (err) {
    problems.push({
      what: errorMessage(err),
      fix: `edit ${paths.config} (README.md's Configuration section shows every key)`,
    });
  }

  if (isPostgresUrl(paths.db)) {
    const where = describeDatabase(paths.db);
    try {
      const store = await openStore(paths.db);
      try {
        const { schemaVersion } = await store.stats();
        ok(`database ${where}: reachable, schema ${schemaVersion}`);
        await announceRemoved(config, store, report);
        await announceOlder(store, report);
      } finally {
        await store.close();
      }
    } catch (err) {
      problems.push({
        what: errorMessage(err),
        fix: 'check the URL (host, port, user, password, database) in --db, TIDINGS_DB or storage.url, and that the server runs',
      });
    }
    return [...problems, ...sourceProblems(config, ok)];
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
    problems.push({
      what: `storage folder ${folder} is not writable (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`,
      fix: `make it writable for this user, or pass --db with a path in a writable folder`,
    });
  }

  if (existsSync(paths.db)) {
    try {
      const store = await openStore(paths.db);
      try {
        const integrity = await store.integrityCheck();
        const { schemaVersion } = await store.stats();
        if (integrity === 'ok') ok(`database ${paths.db}: integrity ok, schema ${schemaVersion} of ${schemaVersion}`);
        else
          problems.push({
            what: `database ${paths.db}: integrity check says ${integrity}`,
            fix: 'restore a backup, or move the file away and run tidings refresh to rebuild it from the sources',
          });
        await announceRemoved(config, store, report);
        await announceOlder(store, report);
      } finally {
        await store.close();
      }
    } catch (err) {
      problems.push({
        what: errorMessage(err),
        fix: 'upgrade Tidings, or move the file away and run tidings refresh to start a new one',
      });
    }
  } else {
    ok(`database ${paths.db} does not exist yet; tidings refresh creates it`);
  }
  return [...problems, ...sourceProblems(config, ok)];
}

/** Sources gone from the configuration: off the site already, their articles deleted after the grace period. */
async function announceRemoved(
  config: Config | undefined,
  store: Store,
  report: (line: string) => void,
): Promise<void> {
  if (!config) return;
  await followConfiguration(config, store, new Date());
  for (const removed of await store.removedSources())
    report(`note: removed source ${describeRemoved(config, removed)}`);
}

/**
 * Articles an older normalizer made (stored before an upgrade): the next refresh of their sources
 * normalizes them again, except those no longer in their feeds, which no refresh can reach.
 */
async function announceOlder(store: Store, report: (line: string) => void): Promise<void> {
  const { version } = NORMALIZER;
  const older = await store.olderArticles(version);
  if (!older.articles) return report(`ok: every stored article is normalized by this Tidings (normalizer ${version})`);
  const gone = older.notInFeeds ? `, but for ${older.notInFeeds} no longer in their feeds, which stay as stored` : '';
  const again = 'the next refresh of their sources normalizes them again';
  report(
    `note: stored articles an older Tidings normalized: ${older.articles} (normalizer ${version} is this one's); ${again}${gone}`,
  );
}

/** Every local source's folder or file exists. */
function sourceProblems(config: Config | undefined, ok: (line: string) => void): Problem[] {
  const problems: Problem[] = [];
  for (const source of config?.sources ?? []) {
    if (source.type === 'feed') {
      // Its credentials can be read (the message names the variable or file, never the secret).
      if (!source.auth) continue;
      try {
        sourceFetch(config!, source);
        ok(`source ${source.name}: its password can be read`);
      } catch (err) {
        problems.push({
          what: `source ${errorMessage(err)}`,
          fix: `set ${source.auth.passwordEnv ?? `the file ${source.auth.passwordFile}`} for the processes that fetch (tidings serve, worker, refresh)`,
        });
      }
      continue;
    }
    const path = sourcePath(config!, source.path);
    if (!existsSync(path))
      problems.push({
        what: `source ${source.name}: ${path} does not exist`,
        fix: `create it, or correct sources[${config!.sources.indexOf(source)}].path in ${config!.file}`,
      });
    else if (source.type === 'seeds' && !statSync(path).isDirectory())
      problems.push({
        what: `source ${source.name}: ${path} is not a folder`,
        fix: `point path at a folder of *.txt seed documents in ${config!.file}`,
      });
    else ok(`source ${source.name}: ${path}`);
  }
  return problems;
}

export async function doctorCommand(session: Session, _args: object = {}): Promise<number> {
  const problems = await diagnose(session.paths, (line) => session.print(session.colour('green', line)));
  for (const p of problems) session.print(`${session.colour('red', `problem: ${p.what}`)}\n  fix: ${p.fix}`);
  session.print(
    problems.length ? `${problems.length} problem${problems.length > 1 ? 's' : ''} found` : 'no problems found',
  );
  return problems.length ? 1 : 0;
}
