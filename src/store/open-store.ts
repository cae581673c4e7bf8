// Opens the store a location names. SQLite is the embedded default: a file path (or ":memory:").
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export function openStore(location: string): Store {
  return new SqliteStore(location);
}
