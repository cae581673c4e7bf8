// What one source's fetches send and go through, resolved from its configuration and the
// environment (only config reads process.env): its credentials, headers, User-Agent, time limit and
// proxy. The secret is read here, when a fetch needs it, and is kept in no configuration object.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { sourcePath } from './paths.js';
import type { Config, FeedSource } from './schema.js';

export interface SourceFetch {
  /** Headers every request of the source sends (Authorization and Cookie included). */
  headers: Record<string, string>;
  userAgent?: string;
  timeoutSeconds?: number;
  /** The proxy a URL is fetched through, if any. */
  proxyFor: (url: URL) => URL | undefined;
}

type Env = Record<string, string | undefined>;

/** The password of a source's `auth`, from its environment variable or its file (first line). */
function passwordOf(config: Pick<Config, 'file'>, source: Pick<FeedSource, 'name' | 'auth'>, env: Env): string {
  const auth = source.auth!;
  if (auth.passwordEnv) {
    const value = env[auth.passwordEnv];
    if (value === undefined || value === '')
      throw new ConfigError(`${source.name}: auth.passwordEnv names ${auth.passwordEnv}, which is not set`);
    return value;
  }
  const path = sourcePath(config, auth.passwordFile!);
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/)[0]!;
  } catch (err) {
    throw new ConfigError(
      `${source.name}: auth.passwordFile ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** NO_PROXY: host names (a leading dot or none matches subdomains too), host:port, or `*`. */
export function isNoProxy(url: URL, noProxy: string | undefined): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return (noProxy ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      const [name, onlyPort] = raw
        .toLowerCase()
        .replace(/^\*?\./, '')
        .split(/:(?=\d+$)/);
      if (onlyPort && onlyPort !== port) return false;
      return host === name || host.endsWith(`.${name}`);
    });
}

/** HTTPS_PROXY / HTTP_PROXY (either case) for a URL, unless NO_PROXY names its host. */
export function environmentProxy(url: URL, env: Env): URL | undefined {
  const pick = (name: string) => env[name] ?? env[name.toLowerCase()];
  const value = url.protocol === 'https:' ? pick('HTTPS_PROXY') : pick('HTTP_PROXY');
  if (!value || isNoProxy(url, pick('NO_PROXY'))) return undefined;
  try {
    return new URL(/^\w+:\/\//.test(value) ? value : `http://${value}`);
  } catch {
    throw new ConfigError(`${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} is not a URL`);
  }
}

/** The fetch settings of one source (or of a fetch that belongs to none: the environment's proxy only). */
export function sourceFetch(config: Pick<Config, 'file'>, source?: FeedSource, env: Env = process.env): SourceFetch {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source?.headers ?? {})) headers[name.toLowerCase()] = value;
  if (source?.auth)
    headers.authorization = `Basic ${Buffer.from(`${source.auth.username}:${passwordOf(config, source, env)}`).toString('base64')}`;
  const own = source?.proxy ? new URL(source.proxy) : undefined;
  return {
    headers,
    userAgent: source?.userAgent,
    timeoutSeconds: source?.timeout,
    proxyFor: (url) => own ?? environmentProxy(url, env),
  };
}
