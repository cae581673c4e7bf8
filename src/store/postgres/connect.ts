// Connecting to PostgreSQL: a pool for a postgres:// URL (the PG* variables fill in what the URL
// leaves out, as libpq does), and one clear line, naming the host and the database but never the
// password, when the server cannot be reached or refuses.
import pg from 'pg';
import { describeDatabase } from '../../config/paths.js';
import { ConfigError, errorMessage } from '../../errors.js';

/** Why a connection failed, in words. */
function reason(err: unknown, url: string): string {
  const code = (err as { code?: string }).code;
  const target = new URL(describeDatabase(url));
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${target.host} (is PostgreSQL running, and listening there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no such host: ${target.hostname}`;
    case 'ETIMEDOUT':
      return `${target.host} did not answer in time`;
    case '28P01':
      return `wrong password for the user ${decodeURIComponent(target.username)}`;
    case '28000':
      return `the server does not let ${decodeURIComponent(target.username)} in (see its pg_hba.conf)`;
    case '3D000':
      return `the database ${target.pathname.slice(1)} does not exist (create it: createdb ${target.pathname.slice(1)})`;
    default:
      return errorMessage(err).split('\n')[0]!;
  }
}

// 64-bit integers (counts, times in milliseconds, index keys) stay below 2^53: numbers, not strings.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function connect(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 10_000,
    application_name: 'tidings',
    types,
  });
  // An idle client's error (the server restarted) must not end the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(`${describeDatabase(url)}: cannot connect: ${reason(err, url)}`);
  }
}
