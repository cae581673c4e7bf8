// The operator's rough edges in managing sources: flags blamed by name, schemes that are not paths,
// names from titles in any script, the configuration's own style kept, import --check, plurals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';

const rss = (title: string, items = 1) =>
  `<rss version="2.0"><channel><title>${title}</title>${Array.from({ length: items }, (_, i) => `<item><title>Item ${i}</title><guid>${title}-${i}</guid><description>Words.</description></item>`).join('')}</channel></rss>`;
const CONFIG =
  'fetch:\n  allowPrivateNetworks: true\nsources:\n  - name: notes\n    type: seeds\n    path: seeds\n    tags: [local]\n';

let server: Awaited<ReturnType<typeof startServer>>;
let dir: string;
const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
const configText = () => readFileSync(join(dir, 'tidings.yaml'), 'utf8');

beforeAll(async () => {
  const feed = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
  server = await startServer({
    '/unicode.xml': feed(rss('Ünïcødé Blog')),
    '/cyrillic.xml': feed(rss('Новости дня')),
    '/one.xml': feed(rss('One Item')),
    '/page': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>not a feed</body></html>'),
  });
});
afterAll(() => server.close());
beforeEach(() => {
  dir = tempDir();
  writeTree(dir, { 'tidings.yaml': CONFIG, 'seeds/a.txt': 'Trams run late.\n2024-01-18 10:00:00\n#riverside\n' });
});

it('blames the --name flag for a bad name, not the configuration file', async () => {
  const run = await cli('sources', 'add', `${server.origin}/one.xml`, '--name', 'Bad Name');
  expect(run.code).toBe(2);
  expect(run.err).toBe('error: --name "Bad Name": expected a slug: lowercase letters, digits, "-" and "_"\n');
  expect(configText()).toBe(CONFIG);
});

it.each(['file:///etc/passwd', 'ftp://example.org/feed.xml', 'javascript:alert(1)', 'data:text/xml,<rss/>'])(
  'refuses %s: not a path, and not a feed it fetches',
  async (target) => {
    const run = await cli('sources', 'add', target);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`error: ${target}: only http and https URLs can be added, or the path of a feed file\n`);
  },
);

it('names a source from a title in any script: Latin letters kept, other scripts by the host', async () => {
  expect((await cli('sources', 'add', `${server.origin}/unicode.xml`)).out).toMatch(/^added unicode-blog: /);
  expect((await cli('sources', 'add', `${server.origin}/cyrillic.xml`)).out).toMatch(/^added 127-0-0-1: /);
});

it('keeps the style of the configuration it edits, and counts in the singular when it is one', async () => {
  const run = await cli('sources', 'add', `${server.origin}/one.xml`);
  expect(run.out).toMatch(/\(rss 2\.0, 1 entry\)/);
  expect(configText()).toContain('    tags: [local]\n');
  expect(configText()).not.toContain('[ local ]');
});

it('import --check fetches each feed first and leaves out, with its reason, each that fails', async () => {
  writeTree(dir, {
    'subs.opml': `<opml version="2.0"><body>
      <outline text="One" xmlUrl="${server.origin}/one.xml"/>
      <outline text="Missing" xmlUrl="${server.origin}/missing.xml"/>
      <outline text="Page" xmlUrl="${server.origin}/page"/>
    </body></opml>`,
  });
  const run = await cli('import', '--check', join(dir, 'subs.opml'));
  expect(run.code).toBe(0);
  expect(run.out).toContain('3 feeds; added 1, skipped 2\n');
  expect(run.out).toContain(
    `skipped ${server.origin}/missing.xml: failed a first fetch: fetch: HTTP 404 from ${server.origin}/missing.xml`,
  );
  expect(run.out).toMatch(new RegExp(`skipped ${server.origin}/page: failed a first fetch: .*not a feed`));
  expect(configText()).toContain(`url: ${server.origin}/one.xml`);
  expect(configText()).not.toContain('missing.xml');
  // Without --check nothing is fetched, and the report says so.
  const unchecked = await cli('import', join(dir, 'subs.opml'));
  expect(unchecked.out).toContain('(not fetched: --check fetches each first)');
});

it('lists the HTTP status and the next fetch of each feed, and speaks in the singular of one', async () => {
  await cli('sources', 'add', `${server.origin}/one.xml`, '--name', 'one');
  await cli('refresh');
  const list = (await cli('sources', 'list')).out;
  expect(list).toMatch(
    /^one  feed  .*one\.xml  \[\]  ok, 1 article, last success \S+ \(HTTP 200\), next fetch \S+ \(minimum interval\)$/m,
  );
  expect(list).toMatch(/^notes  seeds  seeds  \[local\]  ok, 1 article, last success \S+$/m);
  expect((await cli('sources', 'remove', 'one', '--purge')).out).toContain('purged 1 article of one\n');
});

it('import names each outline it cannot add: one without an xmlUrl is no feed, nor a folder', async () => {
  writeTree(dir, {
    'subs.opml': `<opml version="2.0"><body>
      <outline text="One" xmlUrl="${server.origin}/one.xml"/>
      <outline text="A link" type="link" url="https://example.org/page"/>
      <outline/>
      <outline text="Folder"><outline text="Inside" xmlUrl="${server.origin}/unicode.xml"/></outline>
    </body></opml>`,
  });
  const run = await cli('import', join(dir, 'subs.opml'));
  expect(run.code).toBe(0);
  expect(run.out).toContain('2 feeds and 2 outlines without one; added 2, skipped 2');
  expect(run.out).toContain('  skipped outline "A link": no xmlUrl, so no feed to add\n');
  expect(run.out).toContain('  skipped an outline: no xmlUrl, so no feed to add\n');
  expect(configText()).toContain('tags:\n      - Folder');
});

it("doctor's fix for a bad configuration points where the keys are documented", async () => {
  writeTree(dir, { 'tidings.yaml': 'sites: {}\n' });
  const run = await cli('doctor');
  expect(run.out).toMatch(/fix: edit .*tidings\.yaml \(README\.md's Configuration section shows every key\)/);
});
