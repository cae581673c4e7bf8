// Fetch options per source (issue 24): Basic auth from passwordEnv or passwordFile, headers (Cookie
// too), a User-Agent, a time limit, a proxy (the source's or HTTP(S)_PROXY/NO_PROXY's) with the
// private-network guard still applied to the target, ignoreCacheHeaders; and the secret in nothing
// Tidings prints or writes.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { FeedSource } from '../../src/config/schema.js';
import { environmentProxy, isNoProxy, sourceFetch } from '../../src/config/source-fetch.js';
import { fetchDepsOf, fetchFeed, type FetchDeps } from '../../src/ingest/fetch.js';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';

const RSS =
  '<rss version="2.0"><channel><title>Locked</title><link>http://x.test/</link><description>d</description><item><title>One</title><guid>1</guid><link>http://x.test/1</link></item></channel></rss>';
const SECRET = 'hunter2-6f1c9e-very-secret';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let server: Awaited<ReturnType<typeof startServer>>;
let proxy: Awaited<ReturnType<typeof startServer>>;
let refuse = false;
beforeAll(async () => {
  server = await startServer({
    '/locked.xml': (req, res) =>
      !refuse && req.headers.authorization === basic('ann', SECRET)
        ? res.writeHead(200, { etag: '"v1"' }).end(RSS)
        : res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end('no'),
    '/echo': (req, res) => res.writeHead(200).end(JSON.stringify(req.headers)),
    '/away': (_req, res) =>
      res.writeHead(302, { location: `http://other.test:${new URL(server.origin).port}/echo` }).end(),
    '/silent': () => undefined,
  });
  // A forward proxy that answers itself: it records the absolute-form target and says who it is.
  proxy = await startServer({});
  proxy.server.removeAllListeners('request');
  proxy.server.on('request', (req: IncomingMessage, res) => {
    proxy.hits.set(req.url ?? '', [req]);
    res.writeHead(200).end(JSON.stringify({ via: 'proxy', target: req.url, ...req.headers }));
  });
});
afterAll(async () => {
  await server.close();
  await proxy.close();
});

function source(
  yaml: string,
  fetchYaml = '  allowPrivateNetworks: true\n',
): { config: ReturnType<typeof parseConfig>; feed: FeedSource } {
  const dir = tempDir();
  writeTree(dir, { 'secret.txt': `${SECRET}\n` });
  const config = parseConfig(`fetch:\n${fetchYaml}sources:\n  - ${yaml}\n`, join(dir, 'tidings.yaml'));
  return { config, feed: config.sources[0] as FeedSource };
}

const echo = async (deps: FetchDeps, url = `${server.origin}/echo`) =>
  JSON.parse((await fetchFeed({ url }, deps)).body!.toString()) as Record<string, string>;

describe('a source’s own fetch options', () => {
  it('sends Basic auth from a password file, its headers, its Cookie and its User-Agent', async () => {
    const { config, feed } = source(
      `{name: a, type: feed, url: "${server.origin}/echo", auth: {username: ann, passwordFile: secret.txt}, headers: {Cookie: "session=42", X-Api-Key: k1}, userAgent: "Reader/1.0"}`,
    );
    const seen = await echo(fetchDepsOf(config, feed));
    expect(seen).toMatchObject({
      authorization: basic('ann', SECRET),
      cookie: 'session=42',
      'x-api-key': 'k1',
      'user-agent': 'Reader/1.0',
    });
  });

  it('reads the password from the variable passwordEnv names, and says which variable is missing', () => {
    const { config, feed } = source(
      `{name: a, type: feed, url: "${server.origin}/echo", auth: {username: ann, passwordEnv: FEED_PASSWORD}}`,
    );
    expect(sourceFetch(config, feed, { FEED_PASSWORD: SECRET }).headers.authorization).toBe(basic('ann', SECRET));
    expect(() => sourceFetch(config, feed, {})).toThrow(/^a: auth\.passwordEnv names FEED_PASSWORD, which is not set$/);
  });

  it('wants exactly one of passwordEnv and passwordFile', () => {
    expect(() => source(`{name: a, type: feed, url: "http://x.test/", auth: {username: ann}}`)).toThrow(
      /sources\[0\]\.auth: expected exactly one of passwordEnv or passwordFile/,
    );
  });

  it('never sends credentials or cookies to another origin after a redirect', async () => {
    const { config, feed } = source(
      `{name: a, type: feed, url: "${server.origin}/away", auth: {username: ann, passwordFile: secret.txt}, headers: {Cookie: "session=42", X-Kept: yes}}`,
    );
    const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const seen = await echo({ ...fetchDepsOf(config, feed), lookup }, `${server.origin}/away`);
    expect(seen.host).toMatch(/^other\.test:/);
    expect(seen).not.toHaveProperty('authorization');
    expect(seen).not.toHaveProperty('cookie');
    expect(seen['x-kept']).toBe('yes');
  });

  it('gives up after the source’s own timeout', async () => {
    const { config, feed } = source(`{name: a, type: feed, url: "${server.origin}/silent", timeout: 200ms}`);
    await expect(fetchFeed({ url: `${server.origin}/silent` }, fetchDepsOf(config, feed))).rejects.toThrow(
      /took longer than 0\.2 s/,
    );
  });
});

describe('proxies', () => {
  it('fetches through the source’s proxy, in absolute form', async () => {
    const { config, feed } = source(
      `{name: a, type: feed, url: "http://feeds.example.test/feed.xml", proxy: "http://u:p@127.0.0.1:${new URL(proxy.origin).port}"}`,
    );
    const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '93.184.215.14', family: 4 }]);
    const seen = await echo({ ...fetchDepsOf(config, feed), lookup }, 'http://feeds.example.test/feed.xml');
    expect(seen).toMatchObject({
      via: 'proxy',
      target: 'http://feeds.example.test/feed.xml',
      host: 'feeds.example.test',
      'proxy-authorization': basic('u', 'p'),
    });
  });

  it('still refuses a target on a private network, without asking the proxy', async () => {
    const { config, feed } = source(
      `{name: a, type: feed, url: "http://intranet.test/feed.xml", proxy: "${proxy.origin}"}`,
      '  timeout: 5\n',
    );
    const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '10.1.2.3', family: 4 }]);
    proxy.hits.clear();
    await expect(
      fetchFeed({ url: 'http://intranet.test/feed.xml' }, { ...fetchDepsOf(config, feed), lookup }),
    ).rejects.toThrow(/private address 10\.1\.2\.3/);
    await expect(fetchFeed({ url: 'http://192.168.1.1/feed.xml' }, fetchDepsOf(config, feed))).rejects.toThrow(
      /private address 192\.168\.1\.1/,
    );
    expect(proxy.hits.size).toBe(0);
  });

  it('reaches an https target through a CONNECT tunnel, TLS inside it', async () => {
    // A self-signed certificate for secure.test: the TLS handshake inside the tunnel refuses it,
    // which shows the request went target-ward through CONNECT and was not sent to the proxy in clear.
    const dir = tempDir();
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=secure.test',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    if (made.status !== 0 || !existsSync(join(dir, 'c.pem'))) return;
    const target = createHttpsServer(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_req, res) => res.end(RSS),
    );
    await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
    const asked: string[] = [];
    const tunnel = createServer();
    tunnel.on('connect', (req: IncomingMessage, socket) => {
      asked.push(req.url ?? '');
      const upstream = connect((target.address() as AddressInfo).port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket).pipe(upstream);
      });
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((ok) => tunnel.listen(0, '127.0.0.1', ok));
    try {
      const port = (target.address() as AddressInfo).port;
      const { config, feed } = source(
        `{name: a, type: feed, url: "https://secure.test:${port}/feed.xml", proxy: "http://127.0.0.1:${(tunnel.address() as AddressInfo).port}"}`,
        '  timeout: 5\n',
      );
      const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '93.184.215.14', family: 4 }]);
      await expect(
        fetchFeed({ url: `https://secure.test:${port}/feed.xml` }, { ...fetchDepsOf(config, feed), lookup }),
      ).rejects.toThrow(/self.signed|certificate/i);
      expect(asked).toEqual([`secure.test:${port}`]);
    } finally {
      tunnel.closeAllConnections();
      target.closeAllConnections();
      await Promise.all([new Promise((ok) => tunnel.close(ok)), new Promise((ok) => target.close(ok))]);
    }
  });

  it.each([
    ['https://a.example/', { HTTPS_PROXY: 'http://p:1' }, 'http://p:1/'],
    ['http://a.example/', { http_proxy: 'p:2' }, 'http://p:2/'],
    ['http://a.example/', { HTTPS_PROXY: 'http://p:1' }, undefined],
    ['https://a.example/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'ample' }, 'http://p:1/'],
    ['https://a.example/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'b.test, .a.example' }, undefined],
    ['https://a.example/', { HTTPS_PROXY: 'http://p:1', no_proxy: 'a.example:443' }, undefined],
    ['https://a.example/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }, undefined],
  ])('%s with %j goes through %s', (url, env, expected) => {
    expect(environmentProxy(new URL(url), env)?.href).toBe(expected);
  });

  it('NO_PROXY matches a host and its subdomains, not look-alikes', () => {
    expect(isNoProxy(new URL('http://news.corp.test/'), 'corp.test')).toBe(true);
    expect(isNoProxy(new URL('http://evilcorp.test/'), 'corp.test')).toBe(false);
  });

  it('a source’s proxy wins over the environment', () => {
    const { config, feed } = source(`{name: a, type: feed, url: "http://x.test/", proxy: "http://own:8080"}`);
    expect(sourceFetch(config, feed, { HTTP_PROXY: 'http://env:1' }).proxyFor(new URL('http://x.test/'))?.host).toBe(
      'own:8080',
    );
    expect(
      sourceFetch(config, undefined, { HTTP_PROXY: 'http://env:1' }).proxyFor(new URL('http://x.test/'))?.host,
    ).toBe('env:1');
  });
});

/** Every file under a folder, as bytes. */
function filesUnder(dir: string): [string, Buffer][] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name))]);
}

it('a secret set through passwordEnv is in no output, log or file Tidings writes', async () => {
  const dir = tempDir();
  const url = `${server.origin}/locked.xml`;
  writeTree(dir, {
    'tidings.yaml': `site: {baseUrl: "http://127.0.0.1:9"}\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: locked, type: feed, url: "${url}", auth: {username: ann, passwordEnv: TIDINGS_TEST_SECRET}, ignoreCacheHeaders: true}\n`,
  });
  process.env.TIDINGS_TEST_SECRET = SECRET;
  const cli = (...args: string[]) =>
    runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db'), '--verbose']);
  try {
    refuse = false;
    const runs = [
      await cli('refresh'),
      await cli('build', '--out', join(dir, 'site')),
      await cli('parse', '--json', url),
    ];
    expect(runs[0]!.out).toMatch(/locked: 1 new/);
    expect(JSON.parse(runs.pop()!.out)).toMatchObject({ ok: true, feed: { title: 'Locked' } }); // parse URL: the source's own options
    refuse = true; // now the server says 401: the error names the URL and the status, never the secret
    runs.push(
      await cli('refresh'),
      await cli('sources', 'list'),
      await cli('sources', 'list', '--json'),
      await cli('doctor'),
      await cli('export'),
      await cli('export', '--format', 'yaml'),
      await cli('stats', '--json'),
    );
    expect(runs[2]!.out).toMatch(/HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/locked\.xml/);
    // ignoreCacheHeaders: the second fetch asked without the ETag it was given
    // (refresh, parse, refresh: the last asked without the ETag the first was given)
    expect(server.hits.get('/locked.xml')!.map((r) => r.headers['if-none-match'])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const printed = runs.map((r) => r.out + r.err).join('\n');
    const encoded = Buffer.from(`ann:${SECRET}`).toString('base64');
    for (const needle of [SECRET, encoded]) {
      expect(printed).not.toContain(needle);
      for (const [file, bytes] of filesUnder(dir)) expect(bytes.includes(needle), file).toBe(false);
    }
    expect(filesUnder(dir).length).toBeGreaterThan(3);
    expect(runs[5]!.out).toMatch(/ok: source locked: its password can be read/);
    delete process.env.TIDINGS_TEST_SECRET;
    expect((await cli('doctor')).out).toMatch(/locked: auth\.passwordEnv names TIDINGS_TEST_SECRET, which is not set/);
  } finally {
    delete process.env.TIDINGS_TEST_SECRET;
  }
});
