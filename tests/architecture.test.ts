// The shape of src/: each stage in its own room, imports pointing one way. This reads every import
// of every source file and fails on one that breaks the rules, naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** Which rooms each room may import from (besides itself). */
const LEAVES = ['lib', 'model', 'errors', 'version', 'log'];
const STAGES = ['config', 'ingest', 'parse', 'normalize', 'dedupe', 'store', 'publish', 'serve', 'work', 'rules'];
const ORCHESTRATORS = ['refresh', 'refresh-all', 'scheduler', 'due', 'site', 'removed-sources'];
const ALLOWED: Record<string, string[]> = {
  lib: [],
  model: [],
  errors: [],
  version: [],
  log: [],
  config: ['lib', 'model', 'errors'],
  ingest: ['lib', 'model', 'errors', 'version', 'config'],
  parse: ['lib', 'model', 'errors'],
  normalize: ['lib', 'model', 'errors', 'parse'],
  dedupe: ['lib', 'model', 'errors', 'config'],
  store: ['lib', 'model', 'errors', 'config'],
  publish: [...LEAVES, 'config'],
  serve: [...LEAVES, 'config', 'publish'],
  // The worker runs the stages it is handed: it knows them by name, and nothing after them.
  work: ['lib', 'model', 'errors', 'ingest', 'parse', 'normalize', 'dedupe'],
  // Keep and block rules read the search language (store/search-query.ts) and match in memory.
  rules: ['lib', 'model', 'errors', 'config', 'store'],
  // Claims and host places: which process refreshes a source, and how many fetch from a host at once.
  claims: [...LEAVES, 'config', 'store'],
  // The orchestrators call the stages (refresh the write side, site the read side).
  refresh: [...LEAVES, ...STAGES, 'due', 'claims'],
  'refresh-all': [...LEAVES, ...STAGES, 'refresh', 'claims'],
  scheduler: [...LEAVES, ...STAGES, 'refresh', 'refresh-all', 'due'],
  due: [...LEAVES, 'config'],
  // The configuration as the truth about the store's sources: what leaves it, and when it is purged.
  'removed-sources': [...LEAVES, 'config', 'store'],
  // A source's page says when it is fetched next, as `sources list` does (due.ts reads no store).
  site: [...LEAVES, ...STAGES, 'due'],
  daemon: [...LEAVES, ...STAGES, ...ORCHESTRATORS],
  // What a command runs with (its options, streams, configuration, store, workers), and the steps
  // commands take with it: a command module is one that implements a `tidings` subcommand.
  session: [...LEAVES, ...STAGES, 'removed-sources', 'daemon'],
  commands: [...LEAVES, ...STAGES, ...ORCHESTRATORS, 'daemon', 'session'],
  cli: [...LEAVES, 'commands', 'session'],
  main: ['cli', 'lib'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** The room of a file: its folder under src/, or its own name for the files at the top. */
function roomOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split(sep);
  return rest.length ? first! : first!.replace(/\.ts$/, '');
}

const files = sourceFiles(SRC);
const imports = files.flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map(
    (m) => ({ file, spec: (m[1] ?? m[2])! }),
  );
});
const local = imports
  .filter((i) => i.spec.startsWith('.'))
  .map((i) => ({ ...i, target: resolve(dirname(i.file), i.spec.replace(/\.js$/, '.ts')) }));

describe('src/ reads in one direction', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(local.length).toBeGreaterThan(150);
    for (const file of files) expect(ALLOWED[roomOf(file)], `${relative(SRC, file)} is in no known room`).toBeDefined();
  });

  it('every import points to a room its own room may use', () => {
    const broken = local
      .filter(({ file, target }) => {
        const from = roomOf(file);
        const to = roomOf(target);
        return from !== to && !ALLOWED[from]!.includes(to);
      })
      .map(({ file, spec }) => `${relative(SRC, file)} imports ${spec}`);
    expect(broken).toEqual([]);
  });

  it('parse never imports normalize, the store or ingest', () => {
    const parse = local.filter(({ file }) => roomOf(file) === 'parse').map(({ spec }) => spec);
    expect(parse.filter((spec) => /\/(normalize|store|ingest)\//.test(spec))).toEqual([]);
  });

  it('only the store opens the database, and only config reads the environment', () => {
    const outside = (room: string) =>
      files.filter((f) => roomOf(f) !== room).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
    const database = outside('store').filter(({ text }) =>
      /from 'better-sqlite3'|from 'pg'|\bdb\.(prepare|pragma|exec|transaction)\(/.test(text),
    );
    expect(database.map(({ f }) => relative(SRC, f))).toEqual([]);
    const environment = outside('config').filter(({ text }) => /process\.env\b/.test(text));
    expect(environment.map(({ f }) => relative(SRC, f))).toEqual([]);
  });

  it('only the entry point ends the process (and a stop signal that no command took)', () => {
    // The daemon returns its exit code like every command; main.ts ends the process after it.
    const ending = files
      .filter((f) => /\bprocess\.exit\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f).split(sep).join('/'));
    expect(ending.sort()).toEqual(['lib/signals.ts', 'main.ts']);
  });

  it('lib and the model import nothing of ours outside themselves', () => {
    for (const { file, target } of local) {
      const from = roomOf(file);
      if (from === 'lib' || from === 'model' || from === 'errors')
        expect(roomOf(target), relative(SRC, file)).toBe(from);
    }
  });
});
