// Issue 20, points 10 and 11: hand-written sources showed as slugs ("guardian") where `sources add`
// uses the feed title; /subscriptions.opml was 635 flat outlines (422 one-article tags); `tidings
// export` dropped htmlUrl and turned folders into category= attributes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpml } from '../../src/parse/opml.js';
import { startServer } from '../helpers-http.js';
import { runCli, tempDir, writeTree } from '../helpers.js';

const FEED = `<rss version="2.0"><channel><title>The Guardian — World news</title><link>https://www.theguardian.com/world</link>
<item><title>One</title><guid>https://g.example/1</guid><category>Europe</category></item>
<item><title>Two</title><guid>https://g.example/2</guid><category>Europe</category><category>Brexit</category></item></channel></rss>`;

let server: Awaited<ReturnType<typeof startServer>>;
let args: string[];
let dir: string;
beforeAll(async () => {
  server = await startServer({
    '/world.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED),
  });
  dir = tempDir();
  writeTree(dir, {
    't.yaml': `site: {title: Tidings, baseUrl: "https://news.example.org"}\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: guardian, type: feed, url: "${server.origin}/world.xml", tags: [News, Europe]}\n`,
  });
  args = ['--config', join(dir, 't.yaml'), '--db', join(dir, 't.db')];
  expect((await runCli(['refresh', ...args])).code).toBe(0);
});
afterAll(() => server.close());

describe('a source written by hand without a title', () => {
  it('is shown by its feed title on pages and in its feed, not as its slug', async () => {
    const out = join(dir, 'site');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(out, 'sources.html'), 'utf8')).toContain('>The Guardian — World news</a>');
    expect(readFileSync(join(out, 'sources/guardian.rss'), 'utf8')).toContain(
      '<title>Tidings · The Guardian — World news</title>',
    );
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('>The Guardian — World news</a> · <time');
  });
});

describe('/subscriptions.opml', () => {
  it('puts tags and sources in folders, each feed with its htmlUrl, and leaves one-article tags out', async () => {
    const out = join(dir, 'site2');
    await runCli(['build', '--out', out, ...args]);
    const { readFileSync } = await import('node:fs');
    const opml = readFileSync(join(out, 'subscriptions.opml'), 'utf8');
    expect(opml).toMatch(
      /<outline text="Tags" title="Tags">\s*<outline type="rss" text="Tidings · Europe"[^>]*xmlUrl="https:\/\/news.example.org\/tags\/europe.rss" htmlUrl="https:\/\/news.example.org\/tags\/europe.html"\/>/,
    );
    expect(opml).toMatch(
      /<outline text="Sources" title="Sources">\s*<outline type="rss" text="Tidings · The Guardian — World news"/,
    );
    expect(opml).not.toContain('brexit'); // on one article only
    const { subscriptions } = await parseOpml(opml, 'subscriptions.opml');
    expect(subscriptions.find((s) => s.xmlUrl.endsWith('tags/europe.rss'))!.tags).toEqual(['Tags']);
  });
});

describe('tidings export', () => {
  it('keeps htmlUrl and writes folders as nested outlines, which import reads back as the same tags', async () => {
    const exported = await runCli(['export', ...args]);
    expect(exported.out).not.toContain('category=');
    expect(exported.out).toMatch(
      /<outline text="News" title="News">\s*<outline text="Europe" title="Europe">\s*<outline type="rss" text="The Guardian — World news"[^>]* htmlUrl="https:\/\/www.theguardian.com\/world"\/>/,
    );
    const file = join(dir, 'out.opml');
    writeFileSync(file, exported.out);
    const { subscriptions } = await parseOpml(exported.out, file);
    expect(subscriptions).toEqual([
      {
        title: 'The Guardian — World news',
        xmlUrl: `${server.origin}/world.xml`,
        htmlUrl: 'https://www.theguardian.com/world',
        tags: ['News', 'Europe'],
      },
    ]);
  });
});
