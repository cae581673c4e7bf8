// Watching the configuration: the file is read again whenever it changes, whoever edited it (sources
// add, import, a text editor), and on SIGHUP. A file that does not load is refused and logged, and
// the configuration running goes on.
import { stat } from 'node:fs/promises';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { plural } from '../lib/plural.js';
import type { Logger } from '../log.js';
import { retagStored } from '../refresh.js';
import { checkRules } from '../rules/rules.js';
import type { Store } from '../store/store.js';
import { everyInterval, type Repeat } from './repeat.js';

/** How often the file's modification time is looked at. */
const LOOK_EVERY = 250;

/** What a reload does with the new configuration. */
interface OnReload {
  /** Makes it live (the site, the scheduler, the store's sources); a failure fails the reload. */
  apply: (next: Config) => Promise<void>;
  /** Then, once it is live: work that follows from what changed, which logs its own failures. */
  afterReload?: (next: Config, previous: Config) => Promise<void>;
}

interface LiveConfigDeps {
  path: string;
  log: Logger;
  /** Reads and checks the file; throws what is wrong with it. */
  load?: (path: string) => Config;
  /** The file's modification time, undefined while it cannot be read. */
  mtimeOf?: (path: string) => Promise<number | undefined>;
  repeat?: Repeat;
  /** Calls `listener` on every SIGHUP until the returned function is called. */
  onHangup?: (listener: () => void) => () => void;
}

const loadChecked = (path: string): Config => checkRules(loadConfig(path));
const mtimeOfFile = async (path: string) => (await stat(path).catch(() => undefined))?.mtimeMs;
const onSighup = (listener: () => void) => {
  process.on('SIGHUP', listener);
  return () => void process.off('SIGHUP', listener);
};

/** The configuration in force, from the file; a file that does not load at start-up throws. */
export class LiveConfig {
  private config: Config;
  private mtime?: number;
  private stops: (() => void)[] = [];
  private on: OnReload = { apply: async () => undefined };

  constructor(private readonly deps: LiveConfigDeps) {
    this.config = (deps.load ?? loadChecked)(deps.path);
  }

  get current(): Config {
    return this.config;
  }

  /** Reads the file again and makes it live as `watch` was told; false (and logged) when it does not load or apply. */
  async reload(why: string): Promise<boolean> {
    const { path, log } = this.deps;
    const previous = this.config;
    try {
      this.config = (this.deps.load ?? loadChecked)(path);
      await this.on.apply(this.config);
      log.info(
        { config: path, sources: this.config.sources.length },
        `configuration reloaded (${why}): ${plural(this.config.sources.length, 'source')}`,
      );
    } catch (err) {
      log.error({ config: path }, `configuration not reloaded, the old one keeps running: ${errorMessage(err)}`);
      return false;
    }
    await this.on.afterReload?.(this.config, previous);
    return true;
  }

  /** Reloads whenever the file's modification time moves (looked at now and then), and on SIGHUP. */
  async watch(on: OnReload): Promise<void> {
    this.on = on;
    this.mtime = await (this.deps.mtimeOf ?? mtimeOfFile)(this.deps.path);
    this.stops.push(
      (this.deps.repeat ?? everyInterval)(() => void this.look(), LOOK_EVERY),
      (this.deps.onHangup ?? onSighup)(() => void this.reload('SIGHUP')),
    );
  }

  /** One look at the file: reloaded if it changed since the last. */
  async look(): Promise<void> {
    const now = await (this.deps.mtimeOf ?? mtimeOfFile)(this.deps.path);
    if (now === undefined || now === this.mtime) return;
    this.mtime = now;
    await this.reload('the file changed');
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

/**
 * New tagAliases reach the articles stored already, not only those fetched from now on: once, by the
 * process that ingests (not by every serve --no-ingest), after the new configuration is live.
 */
export function retagOnNewAliases(store: Store, log: Logger): (next: Config, previous: Config) => Promise<void> {
  return async (next, previous) => {
    if (JSON.stringify(next.tagAliases) === JSON.stringify(previous.tagAliases)) return;
    try {
      log.info({}, `tagAliases changed: re-tagged ${plural(await retagStored(store, next), 'stored article')}`);
      await store.noteChange();
    } catch (err) {
      log.error({}, `tagAliases changed, but the stored articles were not re-tagged: ${errorMessage(err)}`);
    }
  };
}
