// tidings refresh [SOURCE…]: claim the sources and ingest them now; live progress on a terminal.
import { UsageError } from '../errors.js';
import { thisProcess } from '../lib/process.js';
import type { Logger } from '../log.js';
import type { RefreshResult } from '../model.js';
import { refreshNow } from '../refresh-all.js';
import { refreshFullTexts, retagStored } from '../refresh.js';
import type { Session } from '../session/session.js';
import { plural } from '../lib/plural.js';

export interface RefreshArgs {
  names: string[];
  /** Seconds to wait for sources another process is refreshing. */
  wait: number;
  json: boolean;
  /** Read every source again in full, and re-tag stored articles. */
  force?: boolean;
  /** Feed sources whose stored articles get their full text now. */
  fullText?: string[];
}

function summarize(r: RefreshResult): string {
  if (r.error) return `${r.source}: failed: ${r.error}`;
  if (r.skipped) return `${r.source}: skipped: ${r.skipped}`;
  if (r.notModified) return `${r.source}: not modified`;
  const refused = r.refused.length ? `, ${r.refused.length} refused` : '';
  const keptOut = r.keptOut ? `, ${r.keptOut} purged earlier and kept out` : '';
  const rules = r.leftOutByRules ? `, ${r.leftOutByRules} left out by rules` : '';
  const full = r.fullText;
  const fullText =
    full && full.extracted + full.reused + full.failed + full.deferred
      ? `, full text: ${full.extracted} extracted, ${full.reused} reused${full.failed ? `, ${full.failed} failed` : ''}${full.deferred ? `, ${full.deferred} left for the next refresh` : ''}`
      : '';
  const deleted = r.deleted ? `, ${r.deleted} deleted with their seed documents` : '';
  const undated = r.undated ? ` (${r.undated} undated, dated by the feed)` : '';
  return `${r.source}: ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged${keptOut}${deleted}${rules}${fullText}${refused}${undated}`;
}

/** Whether a source's refresh has something to say beyond "nothing changed". */
const isEventful = (r: RefreshResult) =>
  Boolean(
    r.error ||
      r.skipped ||
      r.new ||
      r.updated ||
      r.deleted ||
      r.keptOut ||
      r.refused.length ||
      r.undated ||
      r.leftOutByRules ||
      r.fullText?.failed,
  );

/**
 * The lines a refresh prints: one per source that changed or failed, then (for several sources) one
 * total; 33 quiet sources are a count, not 33 "not modified" lines.
 */
function summaryLines(results: readonly RefreshResult[]): { line: string; failed: boolean }[] {
  const shown = results.length === 1 ? results : results.filter(isEventful);
  const lines = shown.map((r) => ({ line: summarize(r), failed: !r.ok }));
  if (results.length < 2) return lines;
  const sum = (k: 'new' | 'updated' | 'unchanged') => results.reduce((n, r) => n + r[k], 0);
  const notModified = results.filter((r) => r.notModified).length;
  const failed = results.filter((r) => !r.ok).length;
  const quiet = results.length - shown.length;
  const parts = [
    `${sum('new')} new, ${sum('updated')} updated, ${sum('unchanged')} unchanged`,
    quiet ? `${quiet} without changes${notModified ? ` (${notModified} not modified)` : ''}` : '',
    `${failed} failed`,
  ];
  return [
    ...lines,
    { line: `total: ${plural(results.length, 'source')}, ${parts.filter(Boolean).join('; ')}`, failed: false },
  ];
}

/** tidings refresh --full-text NAME…: the full text of articles stored already. */
async function fullTextCommand(session: Session, names: string[], json: boolean): Promise<number> {
  const config = session.config();
  const sources = names.map((name) => {
    const source = config.sources.find((s) => s.name === name);
    if (!source) throw new UsageError(`--full-text ${name}: unknown source (see ${config.file})`);
    if (source.type !== 'feed')
      throw new UsageError(`--full-text ${name}: a ${source.type} source has no article pages to fetch`);
    return source;
  });
  const deps = {
    config,
    store: await session.store(),
    work: session.work(),
    log: session.log,
    holder: { name: `cli:${process.pid}`, ...thisProcess() },
  };
  const results: RefreshResult[] = [];
  for (const source of sources) results.push(await refreshFullTexts(source, deps));
  for (const r of results) session.print(json ? JSON.stringify(r) : summarize(r));
  return 0;
}

export async function refreshCommand(
  session: Session,
  { names, wait, json, force, fullText }: RefreshArgs,
): Promise<number> {
  if (fullText?.length) return fullTextCommand(session, fullText, json);
  const config = session.config();
  const unknown = names.filter((n) => !config.sources.some((s) => s.name === n));
  if (unknown.length) throw new UsageError(`unknown source: ${unknown.join(', ')} (see ${config.file})`);
  const store = await session.store(); // a database this version cannot use is said first
  if (!config.sources.length) {
    session.print(`nothing to refresh: ${config.file} has no sources (add one with tidings sources add URL)`);
    return 0;
  }
  const total = names.length || config.sources.length;
  const live = session.isTerminal && !json;
  let done = 0;
  let added = 0;
  let failed = 0;
  const progress = () =>
    session.io.out.write(`\r\x1b[Krefreshing: ${done}/${plural(total, 'source')}, ${added} new, ${failed} failed`);
  if (live) progress();
  // A source's failure is on its summary line; the log would say it a second time. A warning gets a
  // line of its own, with the live progress line drawn again under it.
  const aside = (say: Logger['warn']) => (fields: object, message: string) => {
    if (live) session.io.out.write('\r\x1b[K');
    say(fields, message);
    if (live) progress();
  };
  const log: Logger = {
    info: () => {},
    warn: aside(session.log.warn),
    error: (fields, message) => ('source' in fields ? undefined : aside(session.log.error)(fields, message)),
  };
  const deps = {
    config,
    store,
    work: session.work(),
    log,
    force,
    holder: { name: `cli:${process.pid}`, ...thisProcess() },
  };
  if (force) {
    const retagged = await retagStored(store, config);
    if (!json) session.print(`re-tagged ${plural(retagged, 'stored article')} with the tag rules and tagAliases`);
  }
  const results = await refreshNow(deps, wait * 1000, {
    names: names.length ? names : undefined,
    onResult: (r) => {
      done += 1;
      added += r.new;
      if (!r.ok) failed += 1;
      if (live) progress();
    },
  });
  if (live) session.io.out.write('\r\x1b[K');
  if (json) {
    const sum = (k: 'new' | 'updated' | 'unchanged' | 'keptOut' | 'leftOutByRules') =>
      results.reduce((n, r) => n + (r[k] ?? 0), 0);
    session.print(
      JSON.stringify({
        ok: results.every((r) => r.ok),
        sources: results.length,
        failed: results.filter((r) => !r.ok).length,
        new: sum('new'),
        updated: sum('updated'),
        unchanged: sum('unchanged'),
        keptOut: sum('keptOut'),
        leftOutByRules: sum('leftOutByRules'),
        results,
      }),
    );
  } else {
    for (const { line, failed } of summaryLines(results)) session.print(failed ? session.colour('red', line) : line);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
