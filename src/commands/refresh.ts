// tidings refresh [SOURCE…]: ingest now, under the refresh lease; live progress on a terminal.
import { UsageError } from '../errors.js';
import { thisProcess } from '../lib/process.js';
import type { RefreshResult } from '../model.js';
import { refreshNow } from '../refresh-all.js';
import type { Session } from './session.js';

export interface RefreshArgs {
  names: string[];
  /** Seconds to wait for the lease. */
  wait: number;
  json: boolean;
}

function summarize(r: RefreshResult): string {
  if (r.error) return `${r.source}: failed: ${r.error}`;
  if (r.skipped) return `${r.source}: skipped: ${r.skipped}`;
  if (r.notModified) return `${r.source}: not modified`;
  const refused = r.refused.length ? `, ${r.refused.length} refused` : '';
  return `${r.source}: ${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged${refused}`;
}

export async function refreshCommand(session: Session, { names, wait, json }: RefreshArgs): Promise<number> {
  const config = session.config();
  const unknown = names.filter((n) => !config.sources.some((s) => s.name === n));
  if (unknown.length) throw new UsageError(`unknown source: ${unknown.join(', ')} (see ${config.file})`);
  const total = names.length || config.sources.length;
  const live = session.isTerminal && !json;
  let done = 0;
  let added = 0;
  let failed = 0;
  const progress = () => session.io.out.write(`\r\x1b[Krefreshing: ${done}/${total} sources, ${added} new, ${failed} failed`);
  if (live) progress();
  const deps = { config, store: await session.store(), work: session.work(), log: session.log, holder: { name: `cli:${process.pid}`, ...thisProcess() } };
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
    const sum = (k: 'new' | 'updated' | 'unchanged') => results.reduce((n, r) => n + r[k], 0);
    session.print(JSON.stringify({ ok: results.every((r) => r.ok), sources: results.length, failed: results.filter((r) => !r.ok).length, new: sum('new'), updated: sum('updated'), unchanged: sum('unchanged'), results }));
  } else {
    for (const r of results) session.print(r.ok ? summarize(r) : session.colour('red', summarize(r)));
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
