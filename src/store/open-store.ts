// Opens the store a location names: a postgres:// (or postgresql://) URL, or else a file path for
// SQLite, the embedded default (":memory:" for a database that lives as long as the process).
import { isPostgresUrl } from '../config/load-config.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export async function openStore(location: string): Promise<Store> {
  return isPostgresUrl(location) ? PostgresStore.open(location) : new SqliteStore(location);
}
