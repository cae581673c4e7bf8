// Where the configuration and the store are, and what a configuration names: functions that load
// neither the YAML parser nor the schema library, for every command that only reads.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Config, Source } from './schema.js';

const DEFAULT_CONFIG = 'feeds/tidings.yaml';
const DEFAULT_DB = 'storage/tidings.db';

export interface Paths {
  config: string;
  /** A SQLite file, or a postgres:// URL. */
  db: string;
}

/** A PostgreSQL connection URL, rather than a SQLite file. */
export const isPostgresUrl = (location: string) => /^postgres(?:ql)?:\/\//i.test(location);

/**
 * Only this module reads process.env. Flags win over the environment, which wins over the
 * configuration's `storage.url` (a file path there is relative to the configuration's folder),
 * which wins over the defaults.
 */
export function resolvePaths(
  flags: { config?: string; db?: string },
  env = process.env,
  configured?: Pick<Config, 'storage' | 'file'>,
): Paths {
  const location = (db: string, base = process.cwd()) => (isPostgresUrl(db) ? db : resolve(base, db));
  const db = flags.db ?? env.TIDINGS_DB;
  return {
    config: resolve(flags.config ?? env.TIDINGS_CONFIG ?? DEFAULT_CONFIG),
    db:
      db !== undefined
        ? location(db)
        : configured?.storage.url
          ? location(configured.storage.url, dirname(configured.file))
          : resolve(DEFAULT_DB),
  };
}

/**
 * A PostgreSQL URL as the connection will use it, user@host:port/database, the PG* variables
 * filling in what it leaves out (as libpq does): what messages name. Never the password.
 */
export function describeDatabase(url: string, env = process.env): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // described from the environment alone
  }
  const user = decodeURIComponent(parsed?.username ?? '') || env.PGUSER || 'postgres';
  const host = parsed?.hostname || env.PGHOST || 'localhost';
  const port = parsed?.port || env.PGPORT || '5432';
  const database = decodeURIComponent(parsed?.pathname.slice(1) ?? '') || env.PGDATABASE || user;
  return `postgres://${user}@${host}:${port}/${database}`;
}

/** NO_COLOR (https://no-color.org) turns colour off everywhere. */
export function colourWanted(env = process.env): boolean {
  return !env.NO_COLOR;
}

/** Where the server listens: flags, then env PORT, then the configuration. */
export function serverAddress(
  config: Config,
  flags: { host?: string; port?: number },
  env = process.env,
): { host: string; port: number } {
  const envPort = env.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : undefined;
  return { host: flags.host ?? config.server.host, port: flags.port ?? envPort ?? config.server.port };
}

/** Where a source is read from, as configured: its URL, or its path. */
export function sourceLocation(source: Source): string {
  return source.type === 'feed' ? source.url : source.path;
}

/** A source's own folder or file, relative to the configuration file. */
export function sourcePath(config: Pick<Config, 'file'>, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(config.file), path);
}

/**
 * Where Tidings keeps what it can compute again (validated configurations): $XDG_CACHE_HOME/tidings,
 * else ~/.cache/tidings; none without a home.
 */
export function cacheDir(env = process.env): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tidings');
  return env.HOME ? join(env.HOME, '.cache', 'tidings') : undefined;
}
