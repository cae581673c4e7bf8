// tidings serve [--no-ingest] and tidings worker: the daemon's roles (npm start runs tidings serve).
import { runDaemon } from '../daemon/run.js';
import type { Session } from '../session/session.js';

export interface ServeArgs {
  host?: string;
  port?: number;
  /** Serve the site (false: tidings worker). */
  serve: boolean;
  /** Refresh the sources (false: tidings serve --no-ingest). */
  ingest: boolean;
}

export async function serveCommand(session: Session, { host, port, serve, ingest }: ServeArgs): Promise<number> {
  session.config(); // a bad configuration stops it here, with exit status 2
  return runDaemon({ paths: session.paths, host, port, out: session.io.out, signals: session.signals, serve, ingest });
}
