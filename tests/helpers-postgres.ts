// PostgreSQL for tests: the throwaway cluster tests/postgres-cluster.ts starts for the run (or the
// developer's own server, TIDINGS_TEST_PG), and a fresh, empty database on it per call.
// `describe.skipIf(!POSTGRES_URL)(\`… ${POSTGRES_SKIP_REASON}\`, …)` skips saying why.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { ProvidedPostgres } from './postgres-cluster.js';

const own = process.env.TIDINGS_TEST_PG || undefined;

/** The admin URL of the test server (its user may create databases), or undefined when there is none. */
export const POSTGRES_URL: ProvidedPostgres['postgresUrl'] = own ?? inject('postgresUrl');

/** '(skipped: why)' when there is no server, for a skipped suite's name; '' when there is one. */
export const POSTGRES_SKIP_REASON: string = POSTGRES_URL
  ? ''
  : `(skipped: ${
      inject('postgresSkipReason') ||
      'no PostgreSQL: TIDINGS_TEST_PG is not set and the globalSetup tests/postgres-cluster.ts did not run'
    })`;

let counter = 0;

/**
 * Creates a new, empty database (UTF-8, C collation, from template0) with a name of its own and
 * returns its URL: POSTGRES_URL's credentials, host and options, the new database's name. Databases
 * are never dropped: the cluster is thrown away at the end of the run.
 */
export async function freshDatabase(): Promise<string> {
  if (!POSTGRES_URL) throw new Error(`freshDatabase: no PostgreSQL server ${POSTGRES_SKIP_REASON}`);
  const name = `t_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`);
  } finally {
    await client.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
