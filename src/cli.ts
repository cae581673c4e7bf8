// argv → commands: the commander table. Each command lives in commands/, with one signature.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { Session, type Command as Run, type Io } from './session/session.js';
import { ConfigError, UsageError, errorMessage } from './errors.js';
import { parseFeedDate } from './lib/dates.js';
import type { StopSignals } from './lib/signals.js';
import { VERSION } from './version.js';

/** A count a store can take: 99999999999999999999 was "datatype mismatch" (issue 25). */
const MAX_COUNT = 1_000_000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_COUNT}`);
  return n;
}

function dateOption(value: string): Date {
  const d = parseFeedDate(value, 'UTC');
  if (!d) throw new InvalidArgumentError('expected a date such as 2024-01-18 or 2024-01-18T11:00:00Z');
  return d;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
}

function format(value: string): 'opml' | 'yaml' {
  if (value !== 'opml' && value !== 'yaml') throw new InvalidArgumentError('expected opml or yaml');
  return value;
}

function program(session: Session, setCode: (code: number) => void): Command {
  const cli = new Command('tidings')
    .description('Tidings: a feed aggregator and republisher.')
    .version(VERSION)
    .option('--config <file>', 'configuration file (env TIDINGS_CONFIG)', undefined)
    .option(
      '--db <file|url>',
      'SQLite database file, or postgres://user:password@host:port/database (env TIDINGS_DB, or storage.url)',
    )
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => session.io.out.write(s), writeErr: (s) => session.io.err.write(s) });
  /**
   * The action of a command: global options first, then the command with its arguments. Its module
   * is loaded only then, so that `tidings articles` never loads the parsers or the HTTP server.
   * A daemon keeps the process's stop signals; every other command lets them go.
   */
  const action =
    <A>(load: () => Promise<Run<A>>, args: (...values: never[]) => A, daemon = false) =>
    async (...values: unknown[]) => {
      const cmd = values.at(-1) as Command;
      Object.assign(session.options, cmd.optsWithGlobals());
      if (!daemon) session.signals?.release();
      const [command] = await Promise.all([load(), session.prepare()]);
      setCode(await command(session, args(...(values.slice(0, -1) as never[]))));
    };

  cli
    .command('refresh')
    .description('ingest every source, or the named ones, now')
    .argument('[sources...]', 'source names from the configuration')
    .option(
      '--wait <seconds>',
      'how long to wait for sources another process (the daemon) is refreshing',
      nonNegative,
      60,
    )
    .option('--json', 'a machine-readable summary')
    .option(
      '--force',
      'read every source again in full (no validators, nothing skipped as unchanged) and re-tag stored articles',
    )
    .option('--full-text <source...>', 'fetch the full text of the articles these feed sources stored already')
    .addHelpText(
      'after',
      '\nExamples:\n  tidings refresh\n  tidings refresh world-news --config feeds/tidings.yaml\n  tidings refresh --force guardian\n  tidings refresh --wait 0 --json\n  tidings refresh --full-text world-news',
    )
    .action(
      action(
        () => import('./commands/refresh.js').then((m) => m.refreshCommand),
        (names: string[], o: { wait: number; json?: boolean; force?: boolean; fullText?: string[] }) => ({
          names,
          wait: o.wait,
          json: Boolean(o.json),
          force: Boolean(o.force),
          fullText: o.fullText,
        }),
      ),
    );
  cli
    .command('build')
    .description('write every feed and page to a folder')
    .requiredOption('--out <dir>', 'output folder')
    .addHelpText('after', '\nExample:\n  tidings build --out public')
    .action(
      action(
        () => import('./commands/build.js').then((m) => m.buildCommand),
        (o: { out: string }) => o,
      ),
    );
  cli
    .command('parse')
    .description('parse inputs without touching the database and print the normalized result')
    .argument('<inputs...>', 'seed documents, feed files or http(s) URLs')
    .option('--json', 'one JSON object per input, one per line')
    .option('--allow-private-networks', 'let URLs reach loopback and private addresses')
    .addHelpText(
      'after',
      '\nExamples:\n  tidings parse --json feeds/seeds/*.txt\n  tidings parse --json https://example.org/feed.xml',
    )
    .action(
      action(
        () => import('./commands/parse.js').then((m) => m.parseCommand),
        (inputs: string[], o: { json?: boolean; allowPrivateNetworks?: boolean }) => ({
          inputs,
          json: Boolean(o.json),
          allowPrivateNetworks: Boolean(o.allowPrivateNetworks),
        }),
      ),
    );
  const articles = cli
    .command('articles')
    .description('list stored articles, newest first')
    .option('--tag <slug>', 'only articles with this tag')
    .option('--source <name>', 'only articles of this source')
    .option('--limit <n>', 'at most this many (default 20)', positiveInt)
    .option('--json', 'one JSON object per article')
    .option('--duplicates', 'list the stories carried by more than one article, and how they were merged')
    .option('--events', 'list the latest events reported by more than one article, with their reports')
    .option('--search <query>', 'full-text search of titles and text: words, "phrases", prefix*, AND, OR, NOT')
    .option('--since <date>', 'only articles published on or after this date (2024-01-18 or ISO 8601)', dateOption)
    .addHelpText(
      'after',
      '\nExamples:\n  tidings articles --tag pakistan\n  tidings articles --source sample --limit 5 --json\n  tidings articles --search \'"foreign ministry" AND iran*\' --since 2024-01-01\n  tidings articles --duplicates',
    )
    .action(
      action(
        () => import('./commands/articles.js').then((m) => m.articlesCommand),
        (o: object) => o,
      ),
    );
  articles
    .command('delete')
    .description('delete articles; a tombstone keeps each out of later refreshes')
    .argument('<ids...>', 'article ids (see tidings articles)')
    .addHelpText('after', '\nExample:\n  tidings articles delete 0d0b8a3a742474e1')
    .action(
      action(
        () => import('./commands/articles-delete.js').then((m) => m.articlesDeleteCommand),
        (ids: string[]) => ({ ids }),
      ),
    );
  cli
    .command('explain')
    .description('say which rule merged an article into its story, and at what distance')
    .argument('<id>', 'article id (see tidings articles)')
    .addHelpText('after', '\nExample:\n  tidings explain 0d0b8a3a742474e1')
    .action(
      action(
        () => import('./commands/explain.js').then((m) => m.explainCommand),
        (id: string) => ({ id }),
      ),
    );
  cli
    .command('purge')
    .description('apply retention: delete old articles (leaving tombstones so they do not come back)')
    .argument('[sources...]', 'sources removed from the configuration: delete their articles now')
    .option('--dry-run', 'only count what would go')
    .addHelpText('after', '\nExamples:\n  tidings purge --dry-run\n  tidings purge old-blog')
    .action(
      action(
        () => import('./commands/purge.js').then((m) => m.purgeCommand),
        (names: string[], o: { dryRun?: boolean }) => ({ names, dryRun: Boolean(o.dryRun) }),
      ),
    );
  cli
    .command('migrate')
    .description('copy the SQLite database (--db) into an empty PostgreSQL database, then compare the counts')
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user:password@host:port/database')
    .addHelpText(
      'after',
      '\nExample:\n  tidings migrate --db storage/tidings.db --to postgres://tidings:secret@db.example:5432/tidings',
    )
    .action(
      action(
        () => import('./commands/migrate.js').then((m) => m.migrateCommand),
        (o: { to: string }) => ({ to: o.to }),
      ),
    );
  const sources = cli.command('sources').description('list and manage sources');
  sources
    .command('list')
    .description('every source with its status, last success, errors and article count')
    .option('--json', 'machine-readable')
    .addHelpText('after', '\nExample:\n  tidings sources list --json')
    .action(
      action(
        () => import('./commands/sources-list.js').then((m) => m.sourcesListCommand),
        (o: { json?: boolean }) => ({ json: Boolean(o.json) }),
      ),
    );
  sources
    .command('add')
    .description(
      'check that a URL or file is a feed (an HTML page: through its autodiscovery links), then add it to the configuration',
    )
    .argument('<target>', 'http(s) URL or feed file')
    .option('--name <name>', 'source name (default: from the feed title)')
    .option('--tag <tag...>', 'tags added to every article of the source')
    .option('--pick <n>', 'of several feeds found for a site, the nth (see sources discover)', positiveInt)
    .option('--full-text', "fetch each new entry's page and keep its whole article (fullText: true)")
    .addHelpText(
      'after',
      '\nExamples:\n  tidings sources add https://example.org/blog/ --tag tech\n  tidings sources add https://github.com/owner/repo --pick 2\n  tidings sources add feeds/files/digest.xml --name digest',
    )
    .action(
      action(
        () => import('./commands/sources-add.js').then((m) => m.sourcesAddCommand),
        (target: string, o: { name?: string; tag?: string[]; pick?: number; fullText?: boolean }) => ({ target, ...o }),
      ),
    );
  sources
    .command('discover')
    .description(
      'list the feeds a site URL leads to (the URL itself, its page links, YouTube and GitHub pages, well-known paths) without adding any',
    )
    .argument('<url>', 'http(s) URL of a site or a feed')
    .option('--json', 'machine-readable')
    .addHelpText('after', '\nExample:\n  tidings sources discover https://www.youtube.com/@example')
    .action(
      action(
        () => import('./commands/discover.js').then((m) => m.sourcesDiscoverCommand),
        (target: string, o: { json?: boolean }) => ({ target, json: Boolean(o.json) }),
      ),
    );
  sources
    .command('remove')
    .description('remove a source from the configuration (comments and order are kept)')
    .argument('<name>', 'source name')
    .option('--purge', 'also delete its stored articles')
    .addHelpText('after', '\nExample:\n  tidings sources remove old-blog --purge')
    .action(
      action(
        () => import('./commands/sources-remove.js').then((m) => m.sourcesRemoveCommand),
        (name: string, o: { purge?: boolean }) => ({ name, purge: Boolean(o.purge) }),
      ),
    );
  sources
    .command('enable')
    .description('fetch a source again after HTTP 410 or a Retry-After')
    .argument('<name>', 'source name')
    .action(
      action(
        () => import('./commands/sources-enable.js').then((m) => m.sourcesEnableCommand),
        (name: string) => ({ name }),
      ),
    );
  cli
    .command('import')
    .description(
      'add the feeds of an OPML file (OPML 1.0 or 2.0; folders and categories become tags; duplicates are skipped)',
    )
    .argument('<file>', 'OPML file')
    .option('--check', 'fetch each feed first, and leave out those that fail')
    .addHelpText(
      'after',
      '\nExamples:\n  tidings import subscriptions.opml\n  tidings import --check subscriptions.opml',
    )
    .action(
      action(
        () => import('./commands/import.js').then((m) => m.importCommand),
        (file: string, o: { check?: boolean }) => ({ file, check: Boolean(o.check) }),
      ),
    );
  cli
    .command('export')
    .description('print the sources as OPML or YAML')
    .option('--format <format>', 'opml or yaml', format, 'opml')
    .addHelpText('after', '\nExamples:\n  tidings export > subscriptions.opml\n  tidings export --format yaml')
    .action(
      action(
        () => import('./commands/export.js').then((m) => m.exportCommand),
        (o: { format: 'opml' | 'yaml' }) => o,
      ),
    );
  cli
    .command('stats')
    .description('sources by status, articles by source and tag, merged duplicates, database size, last refresh')
    .option('--json', 'machine-readable')
    .addHelpText('after', '\nExample:\n  tidings stats --json')
    .action(
      action(
        () => import('./commands/stats.js').then((m) => m.statsCommand),
        (o: { json?: boolean }) => ({ json: Boolean(o.json) }),
      ),
    );
  cli
    .command('doctor')
    .description(
      'check the configuration, the database, the storage folder and every source path; say how to fix each problem',
    )
    .addHelpText('after', '\nExample:\n  tidings doctor --config feeds/tidings.yaml')
    .action(
      action(
        () => import('./commands/doctor.js').then((m) => m.doctorCommand),
        () => ({}),
      ),
    );
  cli
    .command('serve')
    .description('run the daemon: refresh on schedule and serve every feed over HTTP (what npm start runs)')
    .option('--host <host>', 'address to bind (default 127.0.0.1, or server.host)')
    .option('--port <port>', 'port (default 8080, env PORT, or server.port); 0 picks a free one', portNumber)
    .addHelpText(
      'after',
      '\nExamples:\n  tidings serve\n  tidings serve --host 0.0.0.0 --port 8080\n  kill -HUP <pid>   # reload the configuration',
    )
    .option('--no-ingest', 'serve only: refresh nothing (workers do, from the same store)')
    .action(
      action(
        () => import('./commands/serve.js').then((m) => m.serveCommand),
        (o: { host?: string; port?: number; ingest: boolean }) => ({
          host: o.host,
          port: o.port,
          serve: true,
          ingest: o.ingest,
        }),
        true,
      ),
    );
  cli
    .command('worker')
    .description(
      'refresh the sources on schedule, without serving anything (with tidings serve --no-ingest on the same store)',
    )
    .addHelpText('after', '\nExample:\n  tidings worker --db postgres://tidings@db.example/tidings')
    .action(
      action(
        () => import('./commands/serve.js').then((m) => m.serveCommand),
        () => ({ serve: false, ingest: true }),
        true,
      ),
    );
  cli
    .command('start')
    .description('refresh every source, then build the site into a folder, once')
    .option('--out <dir>', 'output folder', 'public')
    .action(
      action(
        () => import('./commands/start.js').then((m) => m.startCommand),
        (o: { out: string }) => o,
      ),
    );
  return cli;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 something failed, 2 usage or configuration error.
 * `signals` are the stop signals caught since the process started: the daemon takes them, and
 * every other command lets them end the process.
 */
export async function main(
  argv: string[],
  io: Io = { out: process.stdout, err: process.stderr },
  signals?: StopSignals,
): Promise<number> {
  const session = new Session({}, io, signals);
  let code = 0;
  try {
    await program(session, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    io.err.write(`error: ${errorMessage(err)}\n`);
    if (session.options.verbose && err instanceof Error && err.stack) io.err.write(`${err.stack}\n`);
    return err instanceof ConfigError || err instanceof UsageError ? 2 : 1;
  } finally {
    await session.close();
  }
}
