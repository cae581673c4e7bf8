// The configuration, validated once for its bytes: a command that finds the same file as last time
// reads the result kept in the cache folder and loads neither the YAML parser nor the schema library
// (about 70 ms of a read command's start). The key holds the file's path and bytes, the code that
// validates and the Node version (time zones): any change to these validates afresh. Only a valid
// configuration is kept; a kept file that does not read back is ignored.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { cacheDir } from './paths.js';
import type { Config } from './schema.js';

/** Configurations kept at most (one per configuration file): the least recently validated go first. */
export const MAX_KEPT = 64;

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
/** The modules whose code decides what a file validates to. */
const VALIDATOR = ['schema', 'load-config'].map((m) => new URL(`./${m}.${ext}`, import.meta.url));

/** The configuration file's bytes, or a ConfigError that says why there are none. */
export function readConfigBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** The configuration at `file`, validated (ConfigError when it is not valid), from the cache when it was validated before. */
export async function readConfig(file: string, dir = cacheDir()): Promise<Readonly<Config>> {
  return validated(resolve(file), readConfigBytes(file), dir);
}

/** The defaults, as an empty file at `file` reads. */
export function defaultConfig(file: string, dir = cacheDir()): Promise<Readonly<Config>> {
  return validated(resolve(file), Buffer.alloc(0), dir);
}

async function validated(path: string, bytes: Buffer, dir: string | undefined): Promise<Readonly<Config>> {
  const hash = createHash('sha256').update(process.version);
  for (const module of VALIDATOR) hash.update(readFileSync(module));
  const key = hash.update(path).update('\0').update(bytes).digest('hex');
  const entry = dir && join(dir, `config-${createHash('sha256').update(path).digest('hex').slice(0, 20)}.json`);
  const kept = entry ? readKept(entry, key) : undefined;
  if (kept) return deepFreeze(kept);
  const config = (await import('./load-config.js')).parseConfig(bytes.toString('utf8'), path);
  if (entry) keep(entry, key, config);
  return config;
}

function readKept(entry: string, key: string): Config | undefined {
  try {
    const kept = JSON.parse(readFileSync(entry, 'utf8')) as { key?: string; config?: Config };
    return kept.key === key ? kept.config : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a rename), readable by this user only (storage.url may hold a password); failures are ignored. */
function keep(entry: string, key: string, config: Config): void {
  const dir = join(entry, '..');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${entry}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ key, config }), { mode: 0o600 });
    renameSync(temporary, entry);
    const files = readdirSync(dir).filter((f) => /^config-\w+\.json$/.test(f));
    if (files.length <= MAX_KEPT) return;
    const byAge = files.map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
    for (const { f } of byAge.slice(0, files.length - MAX_KEPT)) rmSync(join(dir, f), { force: true });
  } catch {
    // a cache that cannot be written: the next command validates again
  }
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
