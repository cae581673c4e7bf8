import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server on 127.0.0.1, port 0, answering from a route table. Never anything but loopback. */
export async function startServer(
  routes: Record<string, Handler>,
): Promise<{ origin: string; server: Server; hits: Map<string, IncomingMessage[]>; close: () => Promise<void> }> {
  const hits = new Map<string, IncomingMessage[]>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, [...(hits.get(path) ?? []), req]);
    const route = routes[path];
    if (!route) return void res.writeHead(404).end('not found');
    route(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    hits,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

export interface Reply {
  statusCode: number;
  headers: IncomingMessage['headers'];
  /** The body as sent (compressed when it was). */
  rawPayload: Buffer;
  body: string;
  json(): unknown;
}

/** One HTTP request over a socket, the body kept as sent: no decompression, no redirects. */
export function request(
  origin: string,
  options: { method: string; url: string; headers?: Record<string, string> },
): Promise<Reply> {
  return new Promise((ok, fail) => {
    const { hostname, port } = new URL(origin);
    // The path goes out as written ("/../x" included): no URL normalization on the way.
    const req = httpRequest(
      { host: hostname, port, path: options.url, method: options.method, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const rawPayload = Buffer.concat(chunks);
          const body = rawPayload.toString('utf8');
          ok({ statusCode: res.statusCode ?? 0, headers: res.headers, rawPayload, body, json: () => JSON.parse(body) });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}
