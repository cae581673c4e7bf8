// Issue 20, point 12: `build` without site.baseUrl wrote http://localhost:8080 into 616 URLs without
// a word; a source's page published its raw last error with the feed URL (a private feed's token in
// it would be public); `refresh` printed 33 "not modified" lines and no total.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';
import { redactUrls } from '../../src/lib/urls.js';

const RSS =
  '<rss version="2.0"><channel><title>t</title><item><title>x</title><guid>1</guid><pubDate>Sat, 07 Jan 2017 09:00:00 GMT</pubDate></item></channel></rss>';
let server: Awaited<ReturnType<typeof startServer>>;
let dir: string;
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);

beforeAll(async () => {
  server = await startServer({
    '/private.xml': (_req, res) => res.writeHead(503).end(),
    '/ok.xml': (req, res) =>
      req.headers['if-none-match'] === '"v1"'
        ? res.writeHead(304).end()
        : res.writeHead(200, { etag: '"v1"' }).end(RSS),
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = tempDir();
});

it('build without site.baseUrl says where its feeds will point; with one it says nothing', async () => {
  writeTree(dir, { 'tidings.yaml': 'sources: []\n' });
  const bare = await cli('build', '--out', join(dir, 'a'));
  expect(bare.code).toBe(0);
  expect(bare.err).toBe(
    `note: site.baseUrl is not set in ${join(dir, 'tidings.yaml')}, so feeds and OPML link to http://localhost:8080; set it to where readers reach the site\n`,
  );
  writeTree(dir, { 'tidings.yaml': 'site: {baseUrl: "https://news.example.org"}\nsources: []\n' });
  expect((await cli('build', '--out', join(dir, 'b'))).err).toBe('');
});

it("a source's pages never show a token or password from its URL, even in its last error", async () => {
  const url = `${server.origin.replace('http://', 'http://reader:hunter2@')}/private.xml?token=s3cret&format=rss`;
  writeTree(dir, {
    'tidings.yaml': `fetch: {allowPrivateNetworks: true}\nsources:\n  - {name: private, type: feed, url: "${url}"}\n`,
  });
  expect((await cli('refresh')).code).toBe(1);
  expect((await cli('build', '--out', join(dir, 'out'))).code).toBe(0);
  for (const page of ['sources/private.html', 'sources.html']) {
    const html = readFileSync(join(dir, 'out', page), 'utf8');
    expect(html).toContain('HTTP 503');
    expect(html).toContain('private.xml?token=…&amp;format=…');
    expect(html).not.toMatch(/s3cret|hunter2/);
  }
  expect(redactUrls('fetch: HTTP 503 from https://u:p@example.org/f?key=abc#x; retry')).toBe(
    'fetch: HTTP 503 from https://example.org/f?key=…; retry',
  );
});

it('refresh prints a line per source that changed and one total, not a "not modified" line per source', async () => {
  const feeds = [1, 2, 3].map((i) => `  - {name: f${i}, type: feed, url: "${server.origin}/ok.xml?${i}"}\n`).join('');
  writeTree(dir, { 'tidings.yaml': `fetch: {allowPrivateNetworks: true}\nsources:\n${feeds}` });
  const first = await cli('refresh');
  expect(first.out).toBe(
    'f1: 1 new, 0 updated, 0 unchanged\nf2: 1 new, 0 updated, 0 unchanged\nf3: 1 new, 0 updated, 0 unchanged\ntotal: 3 sources, 3 new, 0 updated, 0 unchanged; 0 failed\n',
  );
  const again = await cli('refresh');
  expect(again.out).toBe(
    'total: 3 sources, 0 new, 0 updated, 0 unchanged; 3 without changes (3 not modified); 0 failed\n',
  );
  // One source by name still says what happened to it.
  expect((await cli('refresh', 'f1')).out).toBe('f1: not modified\n');
});
