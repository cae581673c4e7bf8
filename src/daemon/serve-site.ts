// Serving the site: the HTTP server on its address, announced with where readers reach it (and a
// note when feeds link somewhere else).
import { serverAddress, type Paths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { cronInterval } from '../due.js';
import { UsageError } from '../errors.js';
import { createHandler, listen, type Listening, type ServerDeps } from '../serve/server.js';

/** Each configuration's shortest interval, worked out once (it is asked at every response). */
const intervals = new WeakMap<Config, number>();

/** The shortest interval at which any feed can change, for Cache-Control max-age. */
export function shortestInterval(config: Config): number {
  let seconds = intervals.get(config);
  if (seconds === undefined) {
    const schedules = [config.schedule, ...config.sources.flatMap((s) => (s.schedule ? [s.schedule] : []))];
    intervals.set(config, (seconds = Math.max(60, Math.min(...schedules.map((s) => cronInterval(s))))));
  }
  return seconds;
}

/** The address a reader reaches a listening server at: a wildcard address is this machine's name for itself. */
function readerUrl(url: string): string {
  return url.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:)/, 'http://localhost');
}

/**
 * Whether a configured baseUrl is somewhere else than where this daemon listens: feeds then link
 * there, which is right behind a proxy and wrong when the port was changed and the file was not.
 */
export function baseUrlDiffers(baseUrl: string, listening: string): boolean {
  const loopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  const a = new URL(baseUrl);
  const b = new URL(listening);
  const sameHost = a.hostname === b.hostname || (loopback(a.hostname) && loopback(b.hostname));
  return !(
    sameHost &&
    a.protocol === b.protocol &&
    (a.port || '80') === (b.port || '80') &&
    (a.pathname === '/' || a.pathname === '')
  );
}

async function listenOrExplain(
  handler: ReturnType<typeof createHandler>,
  host: string,
  port: number,
): Promise<Listening> {
  try {
    return await listen(handler, host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `cannot listen on ${host}:${port}: the port is in use (another tidings serve?); pass --port N or set PORT, or server.port in the configuration`,
      );
    if (code === 'EACCES')
      throw new UsageError(
        `cannot listen on ${host}:${port}: not allowed (ports below 1024 need privileges); pass --port N or set PORT`,
      );
    throw err;
  }
}

interface SiteOptions {
  config: Config;
  paths: Paths;
  host?: string;
  port?: number;
  /** Where the listening address is announced. */
  out: NodeJS.WritableStream;
}

/** Listens, and says where: the site is served at the returned server's `readerUrl`. */
export async function serveSite(deps: ServerDeps, options: SiteOptions): Promise<Listening & { readerUrl: string }> {
  const { config, out } = options;
  const { host, port } = serverAddress(config, { host: options.host, port: options.port });
  const server = await listenOrExplain(createHandler(deps), host, port);
  const at = readerUrl(server.url);
  out.write(`Tidings is serving ${at}/ (site feeds: ${at}/all.rss, ${at}/all.atom, ${at}/all.json)\n`);
  const configured = config.site.baseUrl;
  if (configured && baseUrlDiffers(configured, at)) {
    out.write(
      `Note: site.baseUrl is ${configured}, so feeds and OPML link there, not to ${at}; remove it from ${options.paths.config} to follow the address the daemon listens on\n`,
    );
  }
  return { ...server, readerUrl: at };
}
