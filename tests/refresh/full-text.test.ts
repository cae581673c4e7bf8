// Full text through a refresh (issue 24): a feed of 300-character excerpts publishes the whole
// articles (content:encoded and the article pages); a blocked entry is never fetched; a page two
// sources carry is fetched once; at most perTick pages per source; a failure is counted and reported
// and keeps the feed's text; refresh --full-text fills in articles stored before.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { storeEntries } from '../../src/refresh.js';
import { finished, FIXTURES, runCli, SHARED, tempDir, writeTree } from '../helpers.js';
import { forEachStore, freshStore } from '../stores.js';
import { startServer } from '../helpers-http.js';

const paragraph = (n: number, i: number) =>
  `Story ${n}, paragraph ${i}: the harbour authority said on Monday that the new ferry line would run every twenty minutes from the spring, and that the old pier would be rebuilt in stone before the summer season began.`;
const article = (n: number) =>
  `<!doctype html><html><head><title>Story ${n}</title></head><body><nav><a href="/">Home</a></nav><article><h1>Story ${n}</h1>${Array.from({ length: 8 }, (_, i) => `<p>${paragraph(n, i)}</p>`).join('')}<p>The end of story ${n}.</p></article><footer>Footer</footer></body></html>`;
const excerpt = (n: number) =>
  `${Array.from({ length: 2 }, (_, i) => paragraph(n, i))
    .join(' ')
    .slice(0, 300)}…`;

let server: Awaited<ReturnType<typeof startServer>>;
const item = (n: number, title = `Story ${n}`, path = `/story/${n}`) =>
  `<item><title>${title}</title><link>${server.origin}${path}</link><guid>${n}</guid><pubDate>Sat, 09 Mar 2024 1${n}:00:00 GMT</pubDate><description>${excerpt(n)}</description></item>`;
const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news</title><link>${server.origin}/</link><description>d</description>${items}</channel></rss>`;
const send =
  (body: () => string, type = 'application/rss+xml') =>
  (_req: unknown, res: ServerResponse) =>
    res.writeHead(200, { 'content-type': type }).end(body());

beforeAll(async () => {
  server = await startServer({
    '/feed.xml': send(() =>
      rss(
        [1, 2, 3].map((n) => item(n)).join('') +
          item(4, 'Sponsored: ferries', '/story/4') +
          item(5, 'Story 5', '/broken'),
      ),
    ),
    '/other.xml': send(() => rss(item(1))),
    '/two.xml': send(() => rss(item(2))),
    '/story/1': send(() => article(1), 'text/html; charset=utf-8'),
    '/story/2': send(() => article(2), 'text/html'),
    // A real page: Mozilla Readability's lemonde-1 test page (tests/fixtures/readability).
    '/story/3': send(
      () => readFileSync(join(FIXTURES, 'readability/lemonde-1/source.html'), 'utf8'),
      'text/html; charset=utf-8',
    ),
    '/story/4': send(() => article(4), 'text/html'),
    '/broken': (_req, res) => res.writeHead(500).end('oops'),
  });
});
afterAll(() => server.close());
beforeEach(() => server.hits.clear());

function site(sources: string) {
  const dir = tempDir();
  writeTree(dir, {
    'tidings.yaml': `site: {baseUrl: "http://localhost:8080"}\nfetch: {allowPrivateNetworks: true}\nsources:\n${sources}`,
  });
  return {
    dir,
    cli: (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]),
  };
}
const hits = (path: string) => server.hits.get(path)?.length ?? 0;

it('publishes the whole articles of a feed of excerpts; blocked entries are never fetched; failures keep the excerpt', async () => {
  const { dir, cli } = site(
    `  - {name: harbour, type: feed, url: "${server.origin}/feed.xml", fullText: true, block: "title:sponsored"}\n  - {name: mirror, type: feed, url: "${server.origin}/other.xml", fullText: true}\n`,
  );
  const run = await cli('refresh');
  expect(run.out).toMatch(
    /^harbour: 4 new, 0 updated, 0 unchanged, 1 left out by rules, full text: \d extracted, \d reused, 1 failed$/m,
  );
  expect(run.out).toMatch(/^mirror: 1 new, 0 updated, 0 unchanged, full text: \d extracted, \d reused$/m);
  // Story 1 is carried by both: whichever source comes first extracts it, the other reuses it.
  const counted = (what: string) =>
    [...run.out.matchAll(new RegExp(`(\\d) ${what}`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  expect([counted('extracted'), counted('reused')]).toEqual([3, 1]);
  expect(run.err).toMatch(/harbour: full text of http:\/\/127\.0\.0\.1:\d+\/broken: fetch: HTTP 500 from/);
  // Each page once: the two sources' story 1 too; the blocked story 4 never.
  expect([hits('/story/1'), hits('/story/2'), hits('/story/3'), hits('/story/4'), hits('/broken')]).toEqual([
    1, 1, 1, 0, 1,
  ]);

  expect((await cli('build', '--out', join(dir, 'out'))).code).toBe(0);
  const feed = readFileSync(join(dir, 'out/sources/harbour.rss'), 'utf8');
  const encoded = [...feed.matchAll(/<content:encoded>([\s\S]*?)<\/content:encoded>/g)].map((m) => m[1]!);
  expect(encoded.filter((c) => c.includes('The end of story'))).toHaveLength(2);
  expect(encoded.filter((c) => c.includes('adopté à une large majorité'))).toHaveLength(1);
  expect(feed).toContain(excerpt(5).slice(0, 100)); // the failed one keeps the feed's text
  expect(feed).not.toContain('Footer');
  const pages = readdirSync(join(dir, 'out/articles')).map((f) => readFileSync(join(dir, 'out/articles', f), 'utf8'));
  expect(pages.filter((p) => p.includes('paragraph 7') && p.includes('The end of story 2'))).toHaveLength(1);

  // Everything published passes the W3C feed validator (its code in ../shared, run offline).
  const validator = join(SHARED, 'tools/validate-feeds.py');
  if (!existsSync(validator)) return;
  const check = spawnSync('/usr/bin/python3', [validator, join(dir, 'out')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(check.stdout, check.stderr).toMatch(/validate-feeds: \d+ files, 0 errors/);
});

it('fetches at most perTick pages per source per refresh, and the rest at the next', async () => {
  const { cli } = site(
    `  - {name: harbour, type: feed, url: "${server.origin}/feed.xml", fullText: {perTick: 2}, block: "sponsored OR title:\\"story 5\\""}\n`,
  );
  expect((await cli('refresh')).out).toMatch(
    /^harbour: 3 new, .*full text: 2 extracted, 0 reused, 1 left for the next refresh$/m,
  );
  expect(hits('/story/3')).toBe(0);
});

it('refresh --full-text fills in the articles a source stored before', async () => {
  const { cli } = site(
    `  - {name: harbour, type: feed, url: "${server.origin}/feed.xml", block: "sponsored OR title:\\"story 5\\""}\n`,
  );
  expect((await cli('refresh')).out).toMatch(/^harbour: 3 new/m);
  expect(hits('/story/1')).toBe(0);
  const run = await cli('refresh', '--full-text', 'harbour');
  expect(run.out).toMatch(/^harbour: 0 new, 3 updated, 0 unchanged, full text: 3 extracted, 0 reused$/m);
  const articles = (await cli('articles', '--json')).out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { content: string; summary: string });
  expect(articles.every((a) => a.content.length > 1500 && a.summary.endsWith('…'))).toBe(true);
  expect(articles.filter((a) => a.content.includes('paragraph 7'))).toHaveLength(2);
  expect((await cli('refresh', '--full-text', 'nope')).err).toMatch(/--full-text nope: unknown source/);
});

it('takes an article another source stored for the link, even stored by another run, rather than fetch the page', async () => {
  const dir = tempDir();
  const full = `<p>${Array.from({ length: 8 }, (_, i) => paragraph(2, i)).join('</p><p>')}</p>`;
  const wire = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description><item><title>Story 2</title><link>${server.origin}/story/2</link><guid>w2</guid><description><![CDATA[${full}]]></description></item></channel></rss>`;
  writeTree(dir, {
    'wire.xml': wire,
    'tidings.yaml': `fetch: {allowPrivateNetworks: true}\nsources:\n  - {name: wire, type: file, path: wire.xml}\n  - {name: harbour, type: feed, url: "${server.origin}/two.xml", fullText: true}\n`,
  });
  const cli = (...args: string[]) =>
    runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
  expect((await cli('refresh', 'wire')).out).toMatch(/^wire: 1 new/m);
  expect((await cli('refresh', 'harbour')).out).toMatch(/^harbour: 1 new, .*full text: 0 extracted, 1 reused$/m);
  expect(hits('/story/2')).toBe(0);
  const articles = (await cli('articles', '--source', 'harbour', '--json')).out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { content: string });
  expect(articles[0]!.content).toContain('paragraph 7');
});

forEachStore((kind) => {
  it('the store answers the longest content another source has for a link', async () => {
    const store = await freshStore(kind);
    try {
      const now = new Date();
      const entry = (identity: string, content: string) =>
        finished({
          identity,
          title: identity,
          link: 'https://n.example/1',
          published: now,
          summary: '',
          content,
          tags: [],
          enclosures: [],
        });
      for (const [i, source] of ['a', 'b', 'c'].entries())
        await store.upsertSource({ name: source, type: 'file', location: source }, now, i);
      await storeEntries(store, 'a', [entry('a1', '<p>Short.</p>')], now);
      await storeEntries(store, 'b', [entry('b1', '<p>The whole article, much longer.</p>')], now);
      expect(await store.contentByLink('https://n.example/1', 'c')).toBe('<p>The whole article, much longer.</p>');
      expect(await store.contentByLink('https://n.example/1', 'b')).toBe('<p>Short.</p>');
      expect(await store.contentByLink('https://n.example/2', 'c')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
