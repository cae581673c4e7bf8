// After a command changed the configuration: whether a running daemon will see it, and when.
import { hostname } from 'node:os';
import { DAEMON_LEASE } from '../daemon/presence.js';
import { isGone } from '../lib/process.js';
import type { Session } from './session.js';

export async function tellDaemon(session: Session): Promise<void> {
  const daemon = await (await session.store()).leaseHolder(DAEMON_LEASE, new Date());
  if (!daemon || isGone(daemon)) return;
  const where = daemon.host === hostname() ? '' : ` on ${daemon.host}`;
  session.print(
    `tidings serve (${daemon.name}${where}) sees this within a second; it fetches new sources at its next tick`,
  );
}
