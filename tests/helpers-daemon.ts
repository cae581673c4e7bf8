// `tidings serve` as a real process (from the TypeScript source), for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './helpers.js';

export interface Daemon {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output matches (`times` times), from the start; fails after `ms`, a safety net. */
  waitFor(pattern: RegExp, ms?: number, times?: number): Promise<RegExpMatchArray>;
  /** How many times the output matches. */
  count(pattern: RegExp): number;
  /** SIGTERM; resolves with the exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export function spawnTidings(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(CLI[0]!, [...CLI.slice(1), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, output: () => out, exited };
}

export async function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const { child, output, exited } = spawnTidings(['serve', '--port', '0', ...args], env);
  // Looked for again at each piece of output, and given up on at exit; `ms` is a safety net only.
  const count = (pattern: RegExp) => [
    ...output().matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)),
  ];
  const waitFor = (pattern: RegExp, ms = 20_000, times = 1) =>
    new Promise<RegExpMatchArray>((ok, fail) => {
      const done = () => (
        clearTimeout(timer), child.stdout!.off('data', look), child.stderr!.off('data', look), child.off('close', gone)
      );
      const look = () => {
        const m = count(pattern)[times - 1];
        if (m) return (done(), ok(m));
      };
      const gone = () => (
        look(), done(), fail(new Error(`tidings serve exited (${child.exitCode}) before ${pattern}:\n${output()}`))
      );
      const timer = setTimeout(() => (done(), fail(new Error(`no ${pattern} within ${ms} ms; got:\n${output()}`))), ms);
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.on('close', gone); // after the last of its output
      if (child.exitCode !== null || child.signalCode !== null) gone();
      else look();
    });
  const [, url] = await waitFor(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
  return {
    child,
    url: url!,
    output,
    waitFor,
    count: (pattern) => count(pattern).length,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}
