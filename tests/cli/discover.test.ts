// Discovery (issue 24): the URL as a feed, then <link rel=alternate>, YouTube and GitHub pages,
// then the well-known paths; `sources discover` lists, `sources add` takes the first or --pick N.
// Every host is a 127.0.0.1 server (YouTube and GitHub names are looked up to it).
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchDeps } from '../../src/ingest/fetch.js';
import { discoverFeeds } from '../../src/commands/discover.js';
import { githubFeeds, wellKnownFeeds, youtubeFeeds } from '../../src/lib/feed-candidates.js';
import type { RawFeed } from '../../src/parse/types.js';
import { transferable, WorkerPool } from '../../src/work/pool.js';
import { stage } from '../../src/work/stage-call.js';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';

const rss = (title: string) =>
  `<rss version="2.0"><channel><title>${title}</title><item><title>A</title><guid>${title}</guid></item></channel></rss>`;
const atom = (title: string) =>
  `<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>urn:${title}</id><updated>2024-01-01T00:00:00Z</updated></feed>`;
const xml = (body: string) => (_req: unknown, res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
const html = (body: string) => (_req: unknown, res: ServerResponse) =>
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end(`<!doctype html><html><head>${body}</head><body>page</body></html>`);
const CHANNEL = 'UCabcdefghijklmnopqrstuv';

let server: Awaited<ReturnType<typeof startServer>>;
const work = new WorkerPool();
beforeAll(async () => {
  server = await startServer({
    '/feed.xml': xml(rss('Plain')),
    '/links': html(
      '<link rel="alternate" type="application/rss+xml" href="/a.xml"><link rel="alternate" type="application/atom+xml" href="/b.xml"><link rel="alternate" type="application/rss+xml" href="/missing.xml">',
    ),
    '/a.xml': xml(rss('First')),
    '/b.xml': xml(atom('Second')),
    '/blog/': html('<title>no links</title>'),
    '/rss.xml': xml(rss('Well known')),
    '/atom.xml': xml(atom('Also well known')),
    '/@someone': html(`<meta itemprop="channelId" content="${CHANNEL}">`),
    '/feeds/videos.xml': (req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/atom+xml' })
        .end(atom(`yt ${new URL(req.url!, 'http://x').search}`)),
    '/owner/repo': html('<title>repo</title>'),
    '/owner/repo/releases.atom': xml(atom('Releases')),
    '/owner/repo/tags.atom': xml(atom('Tags')),
  });
});
afterAll(async () => {
  await server.close();
  await work.close();
});

const port = () => new URL(server.origin).port;
const lookup: FetchDeps['lookup'] = (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
const deps = {
  fetch: { userAgent: 'test', lookup, limits: { allowPrivateNetworks: true } },
  parse: (bytes: Uint8Array, doc: object) =>
    work.run<RawFeed>([stage('parseFeed')], { bytes, doc }, transferable(bytes)),
};
const discover = async (url: string) =>
  (await discoverFeeds(url, deps)).map((c) => [c.url.replace(`:${port()}`, ':P'), c.how]);

describe('discoverFeeds, in order', () => {
  it('the URL itself when it is a feed', async () => {
    expect(await discover(`${server.origin}/feed.xml`)).toEqual([['http://127.0.0.1:P/feed.xml', 'the URL itself']]);
  });

  it('the feeds a page links to, those that are feeds, in the page’s order', async () => {
    expect(await discover(`${server.origin}/links`)).toEqual([
      ['http://127.0.0.1:P/a.xml', 'the page links to it'],
      ['http://127.0.0.1:P/b.xml', 'the page links to it'],
    ]);
  });

  it('a YouTube handle page: the channel’s feed, its id read from the page', async () => {
    expect(await discover(`http://www.youtube.com:${port()}/@someone`)).toEqual([
      [`http://www.youtube.com:P/feeds/videos.xml?channel_id=${CHANNEL}`, 'YouTube'],
    ]);
  });

  it('a GitHub repository page: its releases and tags feeds', async () => {
    expect(await discover(`http://github.com:${port()}/owner/repo`)).toEqual([
      ['http://github.com:P/owner/repo/releases.atom', 'GitHub'],
      ['http://github.com:P/owner/repo/tags.atom', 'GitHub'],
    ]);
  });

  it('the well-known paths last, those that answer with a feed', async () => {
    expect(await discover(`${server.origin}/blog/`)).toEqual([
      ['http://127.0.0.1:P/rss.xml', 'a well-known path'],
      ['http://127.0.0.1:P/atom.xml', 'a well-known path'],
      ['http://127.0.0.1:P/feed.xml', 'a well-known path'],
    ]);
  });
});

it('says so when no step finds a feed', async () => {
  const bare = await startServer({ '/page': html('<title>nothing</title>') });
  try {
    await expect(discoverFeeds(`${bare.origin}/page`, deps)).rejects.toThrow(
      `${bare.origin}/page: not a feed, and no feed found through its page's links, YouTube or GitHub rules, or the well-known paths (not a feed: an HTML page without feed links)`,
    );
  } finally {
    await bare.close();
  }
});

describe('the URL rules', () => {
  it.each([
    [
      'https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv',
      'https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv',
    ],
    ['https://m.youtube.com/playlist?list=PLxyz-123', 'https://www.youtube.com/feeds/videos.xml?playlist_id=PLxyz-123'],
    ['https://youtube.com/user/someone', 'https://www.youtube.com/feeds/videos.xml?user=someone'],
  ])('%s → %s', (page, feed) => {
    expect(youtubeFeeds(new URL(page))).toEqual([feed]);
  });

  it('a handle page names its channel in JSON too; other hosts have no YouTube feed', () => {
    expect(youtubeFeeds(new URL('https://www.youtube.com/@x'), `{"externalId":"${CHANNEL}"}`)).toEqual([
      `https://www.youtube.com/feeds/videos.xml?channel_id=${CHANNEL}`,
    ]);
    expect(youtubeFeeds(new URL(`https://youtube.example/channel/${CHANNEL}`))).toEqual([]);
  });

  it('GitHub: the repository of any page under it; the well-known paths at the site root', () => {
    expect(githubFeeds(new URL('https://github.com/nodejs/node/issues/1'))).toEqual([
      'https://github.com/nodejs/node/releases.atom',
      'https://github.com/nodejs/node/tags.atom',
    ]);
    expect(githubFeeds(new URL('https://github.com/nodejs'))).toEqual([]);
    expect(wellKnownFeeds(new URL('https://blog.example/a/b?c'))[0]).toBe('https://blog.example/feed');
    expect(wellKnownFeeds(new URL('https://blog.example/'))).toHaveLength(8);
  });
});

describe('the commands', () => {
  function site() {
    const dir = tempDir();
    writeTree(dir, { 'tidings.yaml': 'fetch:\n  allowPrivateNetworks: true\nsources: []\n' });
    return {
      dir,
      cli: (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]),
    };
  }

  it('sources discover lists the candidates, numbered, and adds nothing', async () => {
    const { dir, cli } = site();
    const run = await cli('sources', 'discover', `${server.origin}/links`);
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      `1. ${server.origin}/a.xml  (rss 2.0, "First", 1 entry; the page links to it)\n2. ${server.origin}/b.xml  (atom 1.0, "Second", 0 entries; the page links to it)\n`,
    );
    expect(readFileSync(join(dir, 'tidings.yaml'), 'utf8')).toBe('fetch:\n  allowPrivateNetworks: true\nsources: []\n');
  });

  it('sources add lists several, takes the first, or the one --pick names', async () => {
    const first = site();
    const run = await first.cli('sources', 'add', `${server.origin}/links`);
    expect(run.out).toContain(`chose ${server.origin}/a.xml (another with --pick N)`);
    expect(readFileSync(join(first.dir, 'tidings.yaml'), 'utf8')).toContain(`url: ${server.origin}/a.xml`);
    const second = site();
    expect((await second.cli('sources', 'add', `${server.origin}/links`, '--pick', '2', '--full-text')).code).toBe(0);
    const added = readFileSync(join(second.dir, 'tidings.yaml'), 'utf8');
    expect(added).toContain(`url: ${server.origin}/b.xml`);
    expect(added).toMatch(/fullText: true/);
    const third = await site().cli('sources', 'add', `${server.origin}/links`, '--pick', '3');
    expect([third.code, third.err.trim()]).toEqual([
      2,
      `error: --pick 3: ${server.origin}/links leads to 2 feeds (see tidings sources discover ${server.origin}/links)`,
    ]);
  });
});
