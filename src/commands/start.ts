// tidings start [--out DIR]: refresh once, then build.
import { resolve } from 'node:path';
import { feedPath, pagePath } from '../publish/routes.js';
import { buildCommand } from './build.js';
import { refreshCommand } from './refresh.js';
import type { Session } from '../session/session.js';

export async function startCommand(session: Session, { out }: { out: string }): Promise<number> {
  const status = await refreshCommand(session, { names: [], wait: 60, json: false });
  await buildCommand(session, { out });
  session.print(`open ${resolve(out, pagePath('all', ''))}, or subscribe to ${resolve(out, feedPath('all', 'rss'))}`);
  return status;
}
