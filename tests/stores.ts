// The stores every store test and end-to-end test runs against: SQLite always, PostgreSQL when
// there is a server (tests/postgres-cluster.ts starts a throwaway one). The same test files run
// for both: `forEachStore((kind) => { … })` wraps them in a describe per store.
import { join } from 'node:path';
import { describe } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { tempDir } from './helpers.js';
import { freshDatabase, POSTGRES_SKIP_REASON, POSTGRES_URL } from './helpers-postgres.js';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** A location for a new, empty store: a file path, or a new database's URL. */
  location(): Promise<string>;
  /** Why this store's tests are skipped ('' when they run). */
  skip: string;
}

export const STORE_KINDS: StoreKind[] = [
  { name: 'sqlite', location: async () => join(tempDir(), 't.db'), skip: '' },
  { name: 'postgres', location: freshDatabase, skip: POSTGRES_URL ? '' : POSTGRES_SKIP_REASON },
];

/** A new, empty store of this kind. */
export async function freshStore(kind: StoreKind): Promise<Store> {
  return openStore(await kind.location());
}

/** Defines the suite once per store, each in a describe named after it (a skipped one says why). */
export function forEachStore(suite: (kind: StoreKind) => void): void {
  for (const kind of STORE_KINDS)
    describe.skipIf(Boolean(kind.skip))(`${kind.name} ${kind.skip}`.trim(), () => suite(kind));
}
