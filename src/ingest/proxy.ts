// Requests through an HTTP proxy: plain http as an absolute-form request to the proxy (RFC 9112
// §3.2.2), https through a CONNECT tunnel (RFC 9110 §9.3.6) with TLS to the target inside it. The
// proxy is the operator's own (often on a private network), so it is reached as configured; the
// target's name is checked against the private-network guard before anything is sent.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { FetchError } from '../errors.js';

/** Proxy-Authorization from the user and password in a proxy URL. */
function proxyHeaders(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

const proxyPort = (proxy: URL) => Number(proxy.port || 80);

/** Opens a tunnel to the target through the proxy, then TLS inside it. */
function tunnel(url: URL, proxy: URL, done: (err: Error | null, socket?: Socket) => void): void {
  const target = `${url.hostname}:${url.port || 443}`;
  const connect = http.request({
    host: proxy.hostname,
    port: proxyPort(proxy),
    method: 'CONNECT',
    path: target,
    headers: { host: target, ...proxyHeaders(proxy) },
    agent: false,
  });
  connect.on('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      return done(
        new FetchError(`fetch: the proxy ${proxy.host} answered HTTP ${res.statusCode} to CONNECT ${target}`, {
          status: 502,
        }),
      );
    }
    done(null, tls.connect({ socket, servername: url.hostname.replace(/^\[|\]$/g, ''), ALPNProtocols: ['http/1.1'] }));
  });
  connect.on('error', (err) =>
    done(
      new FetchError(
        `fetch: cannot reach the proxy ${proxy.host}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
      ),
    ),
  );
  connect.end();
}

/** A GET of `url` through `proxy`, not yet ended. */
export function requestThroughProxy(url: URL, proxy: URL, headers: Record<string, string>): http.ClientRequest {
  if (proxy.protocol !== 'http:')
    throw new FetchError(`fetch: only http:// proxies are supported, not ${proxy.protocol}`);
  if (url.protocol === 'http:') {
    return http.request({
      host: proxy.hostname,
      port: proxyPort(proxy),
      method: 'GET',
      path: url.href,
      headers: { ...headers, host: url.host, ...proxyHeaders(proxy) },
      agent: false,
    });
  }
  // An agent of its own whose one connection is the tunnel (`agent: false` would make a plain one,
  // and a request's own createConnection is only used without an agent).
  const agent = new https.Agent({ keepAlive: false });
  Object.assign(agent, {
    createConnection: (_options: unknown, done: (err: Error | null, socket?: Socket) => void) =>
      void tunnel(url, proxy, done),
  });
  return https.request(url, { method: 'GET', headers, agent });
}
