// What every command is handed: its options, its output streams, and the configuration, store and
// workers, each opened on first use and closed once the command is done.
import { existsSync } from 'node:fs';
import { defaultConfig, readConfig } from '../config/cached-config.js';
import { colourWanted, resolvePaths, type Paths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { StopSignals } from '../lib/signals.js';
import { stderrLogger, type Logger } from '../log.js';
import { checkRules } from '../rules/rules.js';
import { followConfiguration } from '../removed-sources.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { WorkerPool, type Work } from '../work/pool.js';

export interface GlobalOptions {
  config?: string;
  db?: string;
  verbose?: boolean;
}

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Every command has this signature: it returns the exit status (0 ok, 1 something failed, 2 usage). */
export type Command<A> = (session: Session, args: A) => Promise<number>;

export class Session {
  readonly log: Logger;
  private loaded?: Config;
  /** What reading the configuration threw, and then the defaults. */
  private failure?: unknown;
  private defaults?: Config;
  private opened?: Promise<Store>;
  private pool?: Work;

  constructor(
    readonly options: GlobalOptions,
    readonly io: Io,
    /** The process's stop signals, when this session is the process's (not in tests). */
    readonly signals?: StopSignals,
  ) {
    this.log = stderrLogger(io.err);
  }

  /** The configuration file and the store: from the flags, the environment or the configuration. */
  get paths(): Paths {
    const { config } = resolvePaths(this.options);
    return resolvePaths(
      this.options,
      undefined,
      this.loaded ?? (existsSync(config) ? this.configOrDefaults() : undefined),
    );
  }

  /**
   * Reads the configuration before the command runs (cli.ts does): config() then returns it, or
   * throws what reading it threw, as a command asks. Kept validated configurations make this cheap.
   */
  async prepare(): Promise<void> {
    const file = resolvePaths(this.options).config;
    try {
      this.loaded = checkRules(await readConfig(file));
    } catch (err) {
      this.failure = err;
      if (err instanceof ConfigError) this.defaults = await defaultConfig(file);
    }
  }

  config(): Config {
    if (this.failure) throw this.failure;
    if (!this.loaded) throw new Error('the configuration is read (Session.prepare) before a command runs');
    return this.loaded;
  }

  /** The configuration, or the defaults where there is none to read (`tidings parse` needs none). */
  configOrDefaults(): Config {
    return this.failure instanceof ConfigError && this.defaults ? this.defaults : this.config();
  }

  /** The store, which follows the configuration (when there is one to read): sources gone from it are unpublished. */
  store(): Promise<Store> {
    this.opened ??= openStore(this.paths.db).then(async (store) => {
      const config = this.configIfValid();
      // A store that cannot follow the configuration is closed, not left open behind a rejected promise.
      if (config)
        await followConfiguration(config, store, new Date()).catch(
          async (err) => (await store.close(), Promise.reject(err)),
        );
      return store;
    });
    return this.opened;
  }

  private configIfValid(): Config | undefined {
    try {
      return this.config();
    } catch {
      return undefined;
    }
  }

  work(): Work {
    this.pool ??= new WorkerPool();
    return this.pool;
  }

  print(line = ''): void {
    this.io.out.write(`${line}\n`);
  }

  get isTerminal(): boolean {
    return Boolean((this.io.out as NodeJS.WriteStream).isTTY);
  }

  /** Colour only on a terminal, and never with NO_COLOR (https://no-color.org). */
  colour(name: 'red' | 'green' | 'yellow', text: string): string {
    if (!this.isTerminal || !colourWanted()) return text;
    return `\x1b[${{ red: 31, green: 32, yellow: 33 }[name]}m${text}\x1b[0m`;
  }

  async close(): Promise<void> {
    await this.pool?.close();
    await (await this.opened?.catch(() => undefined))?.close();
  }
}
