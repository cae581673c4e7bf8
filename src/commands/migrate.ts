// tidings migrate --to postgres://…: copies the SQLite database (--db, TIDINGS_DB or storage.url)
// into an empty PostgreSQL database, saying how far it has got, then compares the counts.
import { existsSync } from 'node:fs';
import { describeDatabase, isPostgresUrl } from '../config/paths.js';
import { ConfigError, UsageError } from '../errors.js';
import { DAEMON_LEASE } from '../daemon/presence.js';
import { copyToPostgres } from '../store/copy-to-postgres.js';
import { openStore } from '../store/open-store.js';
import type { Session } from '../session/session.js';

export async function migrateCommand(session: Session, { to }: { to: string }): Promise<number> {
  const from = session.paths.db;
  if (!isPostgresUrl(to))
    throw new UsageError(
      `migrate --to takes a postgres://user:password@host:port/database URL, not ${JSON.stringify(to)}`,
    );
  if (isPostgresUrl(from))
    throw new UsageError(
      `migrate copies an SQLite database, and --db names ${describeDatabase(from)}: name the SQLite file with --db`,
    );
  // A daemon still writing would add articles after the snapshot that the copy would not have.
  if (!existsSync(from)) throw new ConfigError(`${from}: there is no such database to migrate (--db names it)`);
  const store = await openStore(from);
  const daemon = await store.leaseHolder(DAEMON_LEASE, new Date()).finally(() => store.close());
  if (daemon)
    throw new UsageError(
      `a daemon (${daemon.host} pid ${daemon.pid}) is using ${from}: stop it first, so that nothing is written after the copy`,
    );

  const target = describeDatabase(to);
  const progress = (line: string) => session.io.err.write(`${line}\n`);
  progress(`copying ${from} into ${target}`);
  let last = 0;
  const report = await copyToPostgres(from, to, (table, done, total) => {
    const now = Date.now();
    if (done < total && now - last < 1000) return;
    last = now;
    progress(`  ${table}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
  });

  const counts = [...report.tables, { name: 'stories', ...report.stories }];
  for (const c of counts) session.print(`${c.name}: ${c.from} → ${c.to}${c.from === c.to ? '' : '  MISMATCH'}`);
  if (counts.some((c) => c.from !== c.to)) {
    session.log.error({}, `the counts differ: ${target} is not a full copy of ${from}; drop it and run migrate again`);
    return 1;
  }
  session.print(
    `done: every count matches. Point --db, TIDINGS_DB or storage.url at ${target} (with its password) to use it.`,
  );
  return 0;
}
