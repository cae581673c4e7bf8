// vitest globalSetup: a throwaway PostgreSQL 15 cluster for the whole run, when Debian's postgresql
// package is installed. initdb in a temporary folder (as the postgres user when we are root: initdb
// refuses to run as root), a postmaster on a free loopback port with durability off, and its admin
// URL handed to the tests as inject('postgresUrl'); the teardown stops it and removes the folder.
// When TIDINGS_TEST_PG names a server of the developer's own, that is used as is and nothing starts.
// Nothing here may fail the run: when the cluster cannot start, one line says why, and the
// PostgreSQL tests skip (tests/helpers-postgres.ts says so in their names).
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's admin URL (superuser tidings, database postgres), or undefined when there is none. */
    postgresUrl: string | undefined;
    /** Why there is no cluster, when there is none ('' when there is one). */
    postgresSkipReason: string;
  }
}

/** What this setup provides to the tests (inject('postgresUrl'), inject('postgresSkipReason')). */
export type ProvidedPostgres = Pick<import('vitest').ProvidedContext, 'postgresUrl' | 'postgresSkipReason'>;

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PG_USER = 'tidings';
export const PG_PASSWORD = 'tidings-test';
/** Each step's limit: startup takes a second or two, so anything near this is broken, not slow. */
const STEP_TIMEOUT_MS = 15_000;

type Teardown = () => Promise<void>;

export default async function setup(project: TestProject): Promise<Teardown | undefined> {
  const own = process.env.TIDINGS_TEST_PG;
  if (own) {
    project.provide('postgresUrl', own);
    project.provide('postgresSkipReason', '');
    return undefined;
  }
  const none = (reason: string): undefined => {
    project.provide('postgresUrl', undefined);
    project.provide('postgresSkipReason', reason);
    return undefined;
  };
  if (!existsSync(join(PG_BIN, 'initdb'))) return none('PostgreSQL 15 is not installed: apt-get install postgresql');

  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster();
  } catch (err) {
    const reason = `PostgreSQL 15 could not start: ${oneLine(err instanceof Error ? err.message : String(err))}`;
    console.warn(`PostgreSQL tests are skipped: ${reason}`);
    return none(reason);
  }
  const { url, stopSync } = cluster;
  // If the run ends without the teardown (Ctrl-C, a crash), the postmaster would outlive it.
  process.once('exit', stopSync);
  project.provide('postgresUrl', url);
  project.provide('postgresSkipReason', '');
  return async () => {
    process.off('exit', stopSync);
    stopSync();
  };
}

export interface Cluster {
  url: string;
  /** Stops the postmaster (immediate shutdown) and removes the folder; idempotent and synchronous. */
  stopSync: () => void;
}

/** Starts a cluster (as the postgres user when we are root); the benchmarks use it too. */
export async function startCluster(): Promise<Cluster> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? userIds('postgres') : undefined;
  const root = mkdtempSync(join(tmpdir(), 'tidings-pg-'));
  const data = join(root, 'data');
  const log = join(root, 'postgres.log');
  const pwfile = join(root, 'pwfile');
  let started = false;
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    if (started) {
      spawnSync(...command(asRoot, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-s', 'stop']), {
        cwd: root,
        env: pgEnv(),
        stdio: 'ignore',
        timeout: STEP_TIMEOUT_MS,
      });
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    writeFileSync(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
    if (owner) {
      chownSync(root, owner.uid, owner.gid);
      chownSync(pwfile, owner.uid, owner.gid);
    }
    await run(asRoot, root, 'initdb', [
      '-D',
      data,
      '--encoding=UTF8',
      '--locale=C',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-U',
      PG_USER,
      `--pwfile=${pwfile}`,
      '--no-sync',
      '--no-instructions',
    ]);
    rmSync(pwfile, { force: true });
    const port = await freePort();
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k '${root}'`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    started = true; // from here on, a postmaster may be running: stopSync must try pg_ctl stop
    try {
      await run(asRoot, root, 'pg_ctl', [
        '-D',
        data,
        '-l',
        log,
        '-w',
        '-t',
        String(STEP_TIMEOUT_MS / 1000),
        '-s',
        '-o',
        options,
        'start',
      ]);
    } catch (err) {
      const tail = logTail(log);
      throw new Error(tail ? `${(err as Error).message}; ${tail}` : (err as Error).message);
    }
    return { url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`, stopSync };
  } catch (err) {
    stopSync();
    throw err;
  }
}

/** The command line for one of PostgreSQL's programs: through runuser as the postgres user when we are root. */
function command(asRoot: boolean, program: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/** Our environment without the libpq variables a developer may have set (PGDATA, PGPORT, PGHOST…). */
function pgEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
}

/** Runs a program to its exit (not to the close of its pipes: a postmaster could inherit them). */
function run(asRoot: boolean, cwd: string, program: string, args: string[]): Promise<void> {
  const [file, argv] = command(asRoot, program, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd, env: pgEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < 4000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} took more than ${STEP_TIMEOUT_MS / 1000} s`));
    }, STEP_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${file}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      if (code === 0) resolve();
      else reject(new Error(`${program} exited with ${code ?? signal}${output.trim() ? `: ${output.trim()}` : ''}`));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } {
  const ids = (flag: string): number => {
    const out = spawnSync('id', [flag, name], { encoding: 'utf8' });
    const id = Number(out.stdout.trim());
    if (out.status !== 0 || !Number.isInteger(id))
      throw new Error(`running as root and there is no '${name}' user to run initdb as`);
    return id;
  };
  return { uid: ids('-u'), gid: ids('-g') };
}

/** A TCP port on the loopback nobody listens on (now). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

function logTail(log: string): string {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
