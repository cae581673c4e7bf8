// tidings serve: the daemon (what npm start runs).
import { runDaemon } from '../daemon.js';
import type { Session } from './session.js';

export async function serveCommand(session: Session, { host, port }: { host?: string; port?: number }): Promise<number> {
  session.config(); // a bad configuration stops it here, with exit status 2
  return runDaemon({ paths: session.paths, host, port, out: session.io.out, signals: session.signals });
}
