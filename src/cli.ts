// argv → commands. No business logic here: each action wires config, store and a stage together.
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { colourWanted, loadConfig, resolvePaths, sourceLocation } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { ConfigError, UsageError, errorMessage } from './errors.js';
import { parseSeed } from './ingest/seeds.js';
import { stderrLogger, type Logger } from './log.js';
import type { RefreshResult } from './model.js';
import { articlesCommand, explainCommand, purgeCommand } from './commands/articles.js';
import { addSource, exportSources, importOpml, removeSourceCommand, type CommandIo } from './commands/sources.js';
import { collectStats, diagnose, formatStats, statusOf } from './commands/report.js';
import { entryToJson, feedToJson } from './normalize/feed-json.js';
import { parseFeedDate } from './normalize/dates.js';
import { detectFormat } from './parse/detect.js';
import { parseFeed } from './parse/parse-feed.js';
import { documentOf, fetchFeed } from './ingest/fetch.js';
import { writeFiles } from './publish/write-files.js';
import { refreshWithLease } from './refresh.js';
import { renderSite } from './site.js';
import { openDatabase } from './store/open-store.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';
import { runDaemon } from './daemon.js';

interface GlobalOptions {
  config?: string;
  db?: string;
  verbose?: boolean;
}

interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export class Context {
  readonly log: Logger;
  constructor(
    readonly options: GlobalOptions,
    readonly io: Io,
  ) {
    this.log = stderrLogger(io.err);
  }
  private cached?: { config: Config; store: Store };

  get paths() {
    return resolvePaths(this.options);
  }
  config(): Config {
    return loadConfig(this.paths.config);
  }
  open(): { config: Config; store: Store } {
    if (!this.cached) {
      const config = this.config();
      this.cached = { config, store: new Store(openDatabase(this.paths.db)) };
    }
    return this.cached;
  }
  close(): void {
    this.cached?.store.close();
  }
  /** `Tidings/{version} (+{baseUrl})`, with the default base URL when there is no configuration. */
  userAgent(): string {
    let baseUrl = 'http://localhost:8080';
    try {
      baseUrl = this.config().site.baseUrl;
    } catch {
      // parse works without a configuration
    }
    return `Tidings/${VERSION} (+${baseUrl})`;
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
  commandIo(): CommandIo {
    return { print: (line) => this.print(line), userAgent: this.userAgent() };
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function dateOption(value: string): Date {
  const d = parseFeedDate(value, 'UTC');
  if (!d) throw new InvalidArgumentError('expected a date such as 2024-01-18 or 2024-01-18T11:00:00Z');
  return d;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
}

function summarize(r: RefreshResult): string {
  if (r.error) return `${r.source}: failed: ${r.error}`;
  if (r.skipped) return `${r.source}: skipped: ${r.skipped}`;
  if (r.notModified) return `${r.source}: not modified`;
  const refused = r.refused.length ? `, ${r.refused.length} refused` : '';
  return `${r.source}: ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged${refused}`;
}

async function refreshCommand(ctx: Context, names: string[], waitSeconds = 60, json = false): Promise<number> {
  const { config, store } = ctx.open();
  const unknown = names.filter((n) => !config.sources.some((s) => s.name === n));
  if (unknown.length) throw new UsageError(`unknown source: ${unknown.join(', ')} (see ${config.file})`);
  const total = names.length || config.sources.length;
  const live = ctx.isTerminal && !json;
  let done = 0;
  let added = 0;
  let failed = 0;
  const progress = () => ctx.io.out.write(`\r\x1b[Krefreshing: ${done}/${total} sources, ${added} new, ${failed} failed`);
  if (live) progress();
  const results = await refreshWithLease({ config, store, log: ctx.log }, `cli:${process.pid}`, waitSeconds * 1000, {
    names: names.length ? names : undefined,
    onResult: (r) => {
      done += 1;
      added += r.new;
      if (!r.ok) failed += 1;
      if (live) progress();
    },
  });
  if (live) ctx.io.out.write('\r\x1b[K');
  if (json) {
    const sum = (k: 'new' | 'updated' | 'unchanged') => results.reduce((n, r) => n + r[k], 0);
    ctx.print(JSON.stringify({ ok: results.every((r) => r.ok), sources: results.length, failed: results.filter((r) => !r.ok).length, new: sum('new'), updated: sum('updated'), unchanged: sum('unchanged'), results }));
  } else {
    for (const r of results) ctx.print(r.ok ? summarize(r) : ctx.colour('red', summarize(r)));
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

function buildCommand(ctx: Context, out: string): number {
  const { config, store } = ctx.open();
  const count = writeFiles(resolve(out), renderSite({ config, store, log: ctx.log }));
  ctx.print(`wrote ${count} files to ${resolve(out)}`);
  return 0;
}

async function parseInput(ctx: Context, input: string, allowPrivateNetworks: boolean): Promise<object> {
  if (/^https?:\/\//i.test(input)) {
    const response = await fetchFeed({ url: input }, { userAgent: ctx.userAgent(), limits: { allowPrivateNetworks } });
    return feedToJson(await parseFeed(response.body!, documentOf(response)));
  }
  const path = resolve(input);
  const bytes = readFileSync(path);
  if (detectFormat(new TextDecoder().decode(bytes.subarray(0, 4096))).kind === 'unknown' && !/^\s*</.test(bytes.subarray(0, 64).toString('latin1'))) {
    const { entry, warnings } = parseSeed(bytes, input, basename(path), { timezone: 'UTC', titleFrom: 'hashtags' }, statSync(path).mtime);
    return entryToJson(entry, warnings);
  }
  return feedToJson(await parseFeed(bytes));
}

async function parseCommand(ctx: Context, inputs: string[], json: boolean, allowPrivateNetworks: boolean): Promise<number> {
  let failed = 0;
  for (const input of inputs) {
    try {
      const result = await parseInput(ctx, input, allowPrivateNetworks);
      ctx.print(json ? JSON.stringify({ input, ok: true, ...result }) : JSON.stringify({ input, ...result }, null, 2));
    } catch (err) {
      failed += 1;
      const error = errorMessage(err);
      if (json) ctx.print(JSON.stringify({ input, ok: false, error }));
      else ctx.io.err.write(`error: ${input}: ${error}\n`);
    }
  }
  return failed ? 1 : 0;
}

function sourcesListCommand(ctx: Context, json: boolean): number {
  const { config, store } = ctx.open();
  const rows = config.sources.map((source) => {
    const state = store.fetchStates.get(source.name);
    return {
      name: source.name,
      type: source.type,
      location: state?.url ?? sourceLocation(source),
      tags: source.tags,
      status: statusOf(state),
      lastCheck: state?.lastCheck?.toISOString() ?? null,
      lastSuccess: state?.lastSuccess?.toISOString() ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastError: state?.lastError ?? null,
      consecutiveErrors: state?.consecutiveErrors ?? 0,
      nextFetch: state?.nextFetch?.toISOString() ?? null,
      articles: state?.articles ?? 0,
    };
  });
  if (json) {
    ctx.print(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const r of rows) {
    const errors = r.consecutiveErrors ? `, ${r.consecutiveErrors} errors in a row: ${r.lastError}` : '';
    ctx.print(`${r.name}  ${r.type}  ${r.location}  [${r.tags.join(', ')}]  ${r.status}, ${r.articles} articles, last success ${r.lastSuccess ?? 'never'}${errors}`);
  }
  return 0;
}

function sourcesEnableCommand(ctx: Context, name: string): number {
  const { config, store } = ctx.open();
  if (!config.sources.some((s) => s.name === name)) throw new UsageError(`unknown source: ${name} (see ${config.file})`);
  store.fetchStates.enable(name);
  ctx.print(`${name}: enabled; it will be fetched at the next refresh`);
  return 0;
}

async function startCommand(ctx: Context, out: string): Promise<number> {
  const status = await refreshCommand(ctx, []);
  buildCommand(ctx, out);
  ctx.print(`open ${resolve(out, 'index.html')}, or subscribe to ${resolve(out, 'all.rss')}`);
  return status;
}

function program(ctx: Context, setCode: (code: number) => void): Command {
  const run = (fn: () => number | Promise<number>) => async () => setCode(await fn());
  const cli = new Command('tidings')
    .description('Tidings: a feed aggregator and republisher.')
    .version(VERSION)
    .option('--config <file>', 'configuration file (env TIDINGS_CONFIG)', undefined)
    .option('--db <file>', 'SQLite database (env TIDINGS_DB)')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out.write(s), writeErr: (s) => ctx.io.err.write(s) });
  const globals = (cmd: Command) => Object.assign(ctx.options, cmd.optsWithGlobals());

  cli
    .command('refresh')
    .description('ingest every source, or the named ones, now')
    .argument('[sources...]', 'source names from the configuration')
    .option('--wait <seconds>', 'how long to wait while another refresh (the daemon) holds the lease', nonNegative, 60)
    .option('--json', 'a machine-readable summary')
    .addHelpText('after', '\nExamples:\n  tidings refresh\n  tidings refresh world-news --config feeds/tidings.yaml\n  tidings refresh --wait 0 --json')
    .action((names: string[], o: { wait: number; json?: boolean }, cmd: Command) => (globals(cmd), run(() => refreshCommand(ctx, names, o.wait, Boolean(o.json)))()));
  cli
    .command('build')
    .description('write every feed and page to a folder')
    .requiredOption('--out <dir>', 'output folder')
    .addHelpText('after', '\nExample:\n  tidings build --out public')
    .action((o: { out: string }, cmd: Command) => (globals(cmd), run(() => buildCommand(ctx, o.out))()));
  cli
    .command('parse')
    .description('parse inputs without touching the database and print the normalized result')
    .argument('<inputs...>', 'seed documents, feed files or http(s) URLs')
    .option('--json', 'one JSON object per input, one per line')
    .option('--allow-private-networks', 'let URLs reach loopback and private addresses')
    .addHelpText('after', '\nExamples:\n  tidings parse --json feeds/seeds/*.txt\n  tidings parse --json https://example.org/feed.xml')
    .action((inputs: string[], o: { json?: boolean; allowPrivateNetworks?: boolean }, cmd: Command) =>
      (globals(cmd), run(() => parseCommand(ctx, inputs, Boolean(o.json), Boolean(o.allowPrivateNetworks)))()));
  cli
    .command('articles')
    .description('list stored articles, newest first')
    .option('--tag <slug>', 'only articles with this tag')
    .option('--source <name>', 'only articles of this source')
    .option('--limit <n>', 'at most this many (default 20)', positiveInt)
    .option('--json', 'one JSON object per article')
    .option('--duplicates', 'list the stories carried by more than one article, and how they were merged')
    .option('--search <query>', 'full-text search of titles and text: words, "phrases", prefix*, AND, OR, NOT')
    .option('--since <date>', 'only articles published on or after this date (2024-01-18 or ISO 8601)', dateOption)
    .addHelpText('after', '\nExamples:\n  tidings articles --tag pakistan\n  tidings articles --source sample --limit 5 --json\n  tidings articles --search \'"foreign ministry" AND iran*\' --since 2024-01-01\n  tidings articles --duplicates')
    .action((o, cmd: Command) => (globals(cmd), run(() => articlesCommand(ctx, o))()));
  cli
    .command('explain')
    .description('say which rule merged an article into its story, and at what distance')
    .argument('<id>', 'article id (see tidings articles)')
    .addHelpText('after', '\nExample:\n  tidings explain 0d0b8a3a742474e1')
    .action((id: string, _o, cmd: Command) => (globals(cmd), run(() => explainCommand(ctx, id))()));
  cli
    .command('purge')
    .description('apply retention: delete old articles (leaving tombstones so they do not come back)')
    .option('--dry-run', 'only count what would go')
    .addHelpText('after', '\nExample:\n  tidings purge --dry-run')
    .action((o: { dryRun?: boolean }, cmd: Command) => (globals(cmd), run(() => purgeCommand(ctx, Boolean(o.dryRun)))()));
  const sources = cli.command('sources').description('list and manage sources');
  sources
    .command('list')
    .description('every source with its status, last success, errors and article count')
    .option('--json', 'machine-readable')
    .addHelpText('after', '\nExample:\n  tidings sources list --json')
    .action((o: { json?: boolean }, cmd: Command) => (globals(cmd), run(() => sourcesListCommand(ctx, Boolean(o.json)))()));
  sources
    .command('add')
    .description('check that a URL or file is a feed (an HTML page: through its autodiscovery links), then add it to the configuration')
    .argument('<target>', 'http(s) URL or feed file')
    .option('--name <name>', 'source name (default: from the feed title)')
    .option('--tag <tag...>', 'tags added to every article of the source')
    .addHelpText('after', '\nExamples:\n  tidings sources add https://example.org/blog/ --tag tech\n  tidings sources add feeds/files/digest.xml --name digest')
    .action((target: string, o: { name?: string; tag?: string[] }, cmd: Command) => (globals(cmd), run(() => addSource(ctx.config(), ctx.commandIo(), target, o))()));
  sources
    .command('remove')
    .description('remove a source from the configuration (comments and order are kept)')
    .argument('<name>', 'source name')
    .option('--purge', 'also delete its stored articles')
    .addHelpText('after', '\nExample:\n  tidings sources remove old-blog --purge')
    .action((name: string, o: { purge?: boolean }, cmd: Command) =>
      (globals(cmd), run(() => {
        const { config, store } = ctx.open();
        return removeSourceCommand(config, store, ctx.commandIo(), name, Boolean(o.purge));
      })()));
  sources
    .command('enable')
    .description('fetch a source again after HTTP 410 or a Retry-After')
    .argument('<name>', 'source name')
    .action((name: string, _o, cmd: Command) => (globals(cmd), run(() => sourcesEnableCommand(ctx, name))()));
  cli
    .command('import')
    .description('add the feeds of an OPML file (OPML 1.0 or 2.0; folders and categories become tags; duplicates are skipped)')
    .argument('<file>', 'OPML file')
    .addHelpText('after', '\nExample:\n  tidings import subscriptions.opml')
    .action((file: string, _o, cmd: Command) => (globals(cmd), run(() => importOpml(ctx.config(), ctx.commandIo(), file))()));
  cli
    .command('export')
    .description('print the sources as OPML or YAML')
    .option('--format <format>', 'opml or yaml', (v: string) => {
      if (v !== 'opml' && v !== 'yaml') throw new InvalidArgumentError('expected opml or yaml');
      return v;
    }, 'opml')
    .addHelpText('after', '\nExamples:\n  tidings export > subscriptions.opml\n  tidings export --format yaml')
    .action((o: { format: 'opml' | 'yaml' }, cmd: Command) => (globals(cmd), run(() => exportSources(ctx.config(), ctx.commandIo(), o.format))()));
  cli
    .command('stats')
    .description('sources by status, articles by source and tag, merged duplicates, database size, last refresh')
    .option('--json', 'machine-readable')
    .addHelpText('after', '\nExample:\n  tidings stats --json')
    .action((o: { json?: boolean }, cmd: Command) =>
      (globals(cmd), run(() => {
        const { config, store } = ctx.open();
        const stats = collectStats(config, store, ctx.paths.db);
        if (o.json) ctx.print(JSON.stringify(stats, null, 2));
        else for (const line of formatStats(stats)) ctx.print(line);
        return 0;
      })()));
  cli
    .command('doctor')
    .description('check the configuration, the database, the storage folder and every source path; say how to fix each problem')
    .addHelpText('after', '\nExample:\n  tidings doctor --config feeds/tidings.yaml')
    .action((_o, cmd: Command) =>
      (globals(cmd), run(() => {
        const problems = diagnose(ctx.paths, (line) => ctx.print(ctx.colour('green', line)));
        for (const p of problems) ctx.print(`${ctx.colour('red', `problem: ${p.what}`)}\n  fix: ${p.fix}`);
        ctx.print(problems.length ? `${problems.length} problem${problems.length > 1 ? 's' : ''} found` : 'no problems found');
        return problems.length ? 1 : 0;
      })()));
  cli
    .command('serve')
    .description('run the daemon: refresh on schedule and serve every feed over HTTP (what npm start runs)')
    .option('--host <host>', 'address to bind (default 127.0.0.1, or server.host)')
    .option('--port <port>', 'port (default 8080, env PORT, or server.port); 0 picks a free one', portNumber)
    .addHelpText('after', '\nExamples:\n  tidings serve\n  tidings serve --host 0.0.0.0 --port 8080\n  kill -HUP <pid>   # reload the configuration')
    .action((o: { host?: string; port?: number }, cmd: Command) =>
      (globals(cmd), run(async () => (ctx.config(), runDaemon({ paths: ctx.paths, host: o.host, port: o.port, out: ctx.io.out })))()));
  cli
    .command('start')
    .description('refresh every source, then build the site into a folder, once')
    .option('--out <dir>', 'output folder', 'public')
    .action((o: { out: string }, cmd: Command) => (globals(cmd), run(() => startCommand(ctx, o.out))()));
  return cli;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 something failed, 2 usage or configuration error. */
export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const ctx = new Context({}, io);
  let code = 0;
  try {
    await program(ctx, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err.write(`error: ${errorMessage(err)}\n`);
    if (ctx.options.verbose && err instanceof Error && err.stack) io.err.write(`${err.stack}\n`);
    return err instanceof ConfigError || err instanceof UsageError ? 2 : 1;
  } finally {
    ctx.close();
  }
}
