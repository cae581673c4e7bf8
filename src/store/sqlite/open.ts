// Opens (and creates, and upgrades) the SQLite database.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, errorMessage } from '../../errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  let db: Db;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (err) {
    throw new StoreError(`${file}: cannot open the database (${errorMessage(err)})`, { cause: err });
  }
  try {
    // A new database gives the pages a purge frees back to the file system (sqlite-store.ts runs
    // incremental_vacuum after each). It takes effect only in a file that has no table yet, and
    // before WAL mode writes the file's header; in an older database it changes nothing, but takes
    // the write lock all the same: set only in a new one, so that opening a store to read never waits.
    if (db.pragma('user_version', { simple: true }) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A 16 MiB page cache keeps the hot part of the indexes (the LSH index above all) in memory as
    // the database grows. It is held for as long as the store is open, in the daemon too, whose whole
    // resident memory aims at 100 MB: 64 MiB (as before) cost the daemon about 50 MB more.
    db.pragma('cache_size = -16384');
    db.pragma('temp_store = MEMORY');
    // Checkpoint every 10,000 pages (40 MiB of log) rather than 1,000: a page that many refreshes
    // write (index pages above all) is then copied to the database file once instead of each time.
    // The log file is cut back to that size after a checkpoint.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma(`journal_size_limit = ${40 * 1024 * 1024}`);
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    if (isReadOnly(err)) return openReadOnly(file, err);
    throw new StoreError(`${file}: ${errorMessage(err)}`, { cause: err });
  }
}

const isReadOnly = (err: unknown) => /^SQLITE_(READONLY|CANTOPEN)/.test((err as { code?: string }).code ?? '');

/**
 * A database Tidings may not write (a read-only file, folder or mount): opened for reading, so that
 * the commands that only read (articles, build, serve) work, as they did not (issue 25). A write
 * then fails with SQLite's "attempt to write a readonly database", naming the file.
 */
function openReadOnly(file: string, cause: unknown): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    throw new StoreError(`${file}: cannot open the database (${errorMessage(cause)}), nor read it read-only`, {
      cause,
    });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new StoreError(
      `${file}: the database is read-only and has schema ${version}, not ${SCHEMA_VERSION}: it cannot be upgraded`,
      { cause },
    );
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * A second connection to an open database, for reads only: in WAL mode it sees what was committed,
 * never what a write transaction of this process has not committed yet.
 */
export function openReader(file: string): Db {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -8192');
  return db;
}

export const SCHEMA_VERSION = MIGRATIONS.length;

function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION)
    throw new StoreError(
      `${file}: the database was written by a newer Tidings (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade Tidings or use another --db`,
    );
  for (let v = version; v < SCHEMA_VERSION; v += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
