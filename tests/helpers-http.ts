import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server on 127.0.0.1, port 0, answering from a route table. Never anything but loopback. */
export async function startServer(routes: Record<string, Handler>): Promise<{ origin: string; server: Server; hits: Map<string, IncomingMessage[]>; close: () => Promise<void> }> {
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
