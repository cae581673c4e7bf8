// loadConfig(path) → a validated, typed, frozen Config. Errors name the file, the key path and
// what was expected.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config, type Source } from './schema.js';

export const DEFAULT_CONFIG = 'feeds/tidings.yaml';
export const DEFAULT_DB = 'storage/tidings.db';

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
export function resolvePaths(flags: { config?: string; db?: string }, env = process.env, configured?: Pick<Config, 'storage' | 'file'>): Paths {
  const location = (db: string, base = process.cwd()) => (isPostgresUrl(db) ? db : resolve(base, db));
  const db = flags.db ?? env.TIDINGS_DB;
  return {
    config: resolve(flags.config ?? env.TIDINGS_CONFIG ?? DEFAULT_CONFIG),
    db: db !== undefined ? location(db) : configured?.storage.url ? location(configured.storage.url, dirname(configured.file)) : resolve(DEFAULT_DB),
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
export function serverAddress(config: Config, flags: { host?: string; port?: number }, env = process.env): { host: string; port: number } {
  const envPort = env.PORT !== undefined && /^\d+$/.test(env.PORT) ? Number(env.PORT) : undefined;
  return { host: flags.host ?? config.server.host, port: flags.port ?? envPort ?? config.server.port };
}

export function loadConfig(file: string): Readonly<Config> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): Readonly<Config> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new ConfigError(`${file}${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues, raw));
  return deepFreeze({ ...result.data, file: resolve(file) });
}

/** Where a source is read from, as configured: its URL, or its path. */
export function sourceLocation(source: Source): string {
  return source.type === 'feed' ? source.url : source.path;
}

/** A source's own folder or file, relative to the configuration file. */
export function sourcePath(config: Pick<Config, 'file'>, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(config.file), path);
}


function formatIssues(file: string, issues: z.core.$ZodIssue[], data: unknown): string {
  return issues
    .slice(0, 5)
    .flatMap((issue) => {
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${file}: ${keyPath([...issue.path, key])}: unknown key`);
      return [`${file}: ${keyPath(issue.path) || '(top level)'}: ${inWords(issue, issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], data))}`];
    })
    .join('\n');
}

const KINDS: Record<string, string> = {
  array: 'a list such as [a, b]',
  object: 'keys with values',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** What was expected and what was found, in words, where the schema library has its own wording. */
function inWords(issue: z.core.$ZodIssue, value: unknown): string {
  const found = value === undefined || value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'keys with values' : JSON.stringify(value).slice(0, 60);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `missing: expected ${KINDS[issue.expected] ?? issue.expected}` : `expected ${KINDS[issue.expected] ?? issue.expected}, not ${found}`;
    case 'too_small':
      if (issue.origin === 'string') return 'expected some text, not an empty one';
          return `expected ${issue.origin === "array" || issue.inclusive ? "at least" : "more than"} ${issue.minimum}${issue.origin === "array" ? " items" : ""}, not ${found}`;
    case 'too_big':
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}${issue.origin === 'array' ? ' items' : ''}, not ${found}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}, not ${found}`;
    default:
      return issue.message;
  }
}

function keyPath(path: PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
