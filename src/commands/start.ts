// tidings start [--out DIR]: refresh once, then build.
import { resolve } from 'node:path';
import { buildCommand } from './build.js';
import { refreshCommand } from './refresh.js';
import type { Session } from '../session/session.js';

export async function startCommand(session: Session, { out }: { out: string }): Promise<number> {
  const status = await refreshCommand(session, { names: [], wait: 60, json: false });
  await buildCommand(session, { out });
  session.print(`open ${resolve(out, 'index.html')}, or subscribe to ${resolve(out, 'all.rss')}`);
  return status;
}
