// Opens the store a location names: a postgres:// (or postgresql://) URL, or else a file path for
// SQLite, the embedded default (":memory:" for a database that lives as long as the process).
// Each store's module is loaded when it is opened: a SQLite user never loads pg, nor the reverse.
import { isPostgresUrl } from '../config/paths.js';
import type { Store } from './store.js';

export async function openStore(location: string): Promise<Store> {
  if (isPostgresUrl(location)) return (await import('./postgres/postgres-store.js')).PostgresStore.open(location);
  return new (await import('./sqlite/sqlite-store.js')).SqliteStore(location);
}
