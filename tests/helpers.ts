import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../src/cli.js';
import { fingerprint } from '../src/dedupe/fingerprint.js';
import { textOfSanitized } from '../src/lib/html-text.js';
import type { Logger } from '../src/log.js';
import type { Entry } from '../src/model.js';
import { contentHash } from '../src/normalize/normalize-entry.js';

/** ../shared beside the project (TIDINGS_TEST_SHARED points elsewhere: CI also runs the tests that read it without it). */
export const SHARED = process.env.TIDINGS_TEST_SHARED ?? resolve(__dirname, '../../shared');
export const SEED = join(SHARED, 'seeds/000_c94895f7a58074dd.txt');
export const HAS_SEED = existsSync(SEED);
export const FIXTURES = resolve(__dirname, 'fixtures');

/** The CLI from its TypeScript source, as a command line for a child process: tests never run a stale build. */
export const CLI = [process.execPath, '--import', 'tsx', resolve(__dirname, '../src/main.ts')];

/** An entry written by hand, finished as normalize finishes one: its plain text and content hash. */
export function finished(entry: Omit<Entry, 'text' | 'contentHash'> & { text?: string }): Entry {
  const text = entry.text ?? textOfSanitized(entry.content);
  return { ...entry, text, contentHash: contentHash({ ...entry, text }) };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tidings-test-'));
}

/** Writes files (path → text or bytes) under a folder. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in this process, capturing what it prints. */
export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const code = await main(args, { out: sink((s) => (out += s)), err: sink((s) => (err += s)) });
  return { code, out, err };
}

/** A logger that keeps its messages, for assertions. */
export function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (_f: object, m: string) => void lines.push(m);
  return { lines, info: push, warn: push, error: push };
}

/** Deterministic made-up words (mulberry32) from a seed: unrelated texts share almost no 3-shingles. */
export function madeUpText(seed: number): (words: number) => string {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const word = () =>
    next()
      .toString(36)
      .slice(0, 3 + (next() % 5));
  return (words) => Array.from({ length: words }, word).join(' ');
}

/** An entry with its dedupe fingerprint, as normalize finishes one. */
export function fingerprinted(identity: string, title: string, body: string, published: number): Entry {
  return finished({
    identity,
    title,
    published: new Date(published),
    summary: body.slice(0, 200),
    content: `<p>${body}</p>`,
    tags: [],
    enclosures: [],
    text: body,
    fingerprint: fingerprint(title, body),
  });
}
