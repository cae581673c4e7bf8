// The site in a real browser: Debian's Chromium (/usr/bin/chromium) driven by playwright-core,
// which never downloads a browser. `tidings serve` on the bundled samples (port 0, 127.0.0.1), and
// the folder `tidings build` writes, served under a sub-path and opened from disk. Screenshots of
// the front, an article and a search page, at desktop and phone widths, go to docs/screenshots/.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { startDaemon, type Daemon } from '../helpers-daemon.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? '' : `(skipped: ${CHROMIUM} is missing; apt-get install chromium)`;
const SAMPLES = resolve(__dirname, '../../feeds/tidings.yaml');
const SHOTS = resolve(__dirname, '../../docs/screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

/** The samples' stories: 17 articles, three stories told twice. */
const STORIES = 14;

// The page's own globals, for the functions page.evaluate runs in the browser (no DOM library in
// tsconfig: everything else runs on Node, where `document` does not exist).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number }; body: object };
declare function getComputedStyle(element: object): { backgroundColor: string; margin: string };

let daemon: Daemon;
let browser: Browser;
let desktop: BrowserContext;
let phone: BrowserContext;

/** Until the samples are refreshed (30 s: a safety net). */
async function waitForStories(url: string): Promise<void> {
  const stories = async () => ((await (await fetch(`${url}/all.json`)).json()) as { items: unknown[] }).items.length;
  await vi.waitFor(async () => expect(await stories(), daemon.output()).toBeGreaterThanOrEqual(STORIES), {
    timeout: 30_000,
    interval: 100,
  });
}

beforeAll(async () => {
  if (SKIP) return;
  daemon = await startDaemon(['--config', SAMPLES, '--db', join(tempDir(), 't.db')]);
  await waitForStories(daemon.url);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  desktop = await browser.newContext({ viewport: DESKTOP });
  phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(url);
  expect(res?.status(), url).toBe(200);
  return page;
}

/** A screenshot of the page at both widths. */
async function shoot(name: string, url: string): Promise<void> {
  for (const [context, width] of [
    [desktop, 'desktop'],
    [phone, 'phone'],
  ] as const) {
    const page = await open(context, url);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
    await page.close();
  }
}

/**
 * Visits every page reachable from `start` whose address starts with `scope`, in the browser, and
 * returns every address that failed: a link, a stylesheet, an icon or a feed that answered an error
 * (the browser's own requests included), or a page nothing could open.
 */
async function crawl(
  context: BrowserContext,
  start: string,
  scope: string,
): Promise<{ pages: number; checked: number; failed: string[] }> {
  const failed = new Set<string>();
  const seen = new Set<string>([start]);
  const queue = [start];
  const others = new Set<string>();
  const page = await context.newPage();
  page.on('response', (res) => {
    if (res.status() >= 400) failed.add(`${res.status()} ${res.url()} (loaded by ${page.url()})`);
  });
  // A load the next navigation cancels (net::ERR_ABORTED, the favicon often) is no failure.
  page.on(
    'requestfailed',
    (req) => req.failure()?.errorText !== 'net::ERR_ABORTED' && failed.add(`${req.failure()?.errorText} ${req.url()}`),
  );
  let pages = 0;
  while (queue.length) {
    const url = queue.shift()!;
    const res = await page.goto(url, { waitUntil: 'load' });
    pages += 1;
    if (!res?.ok()) continue;
    const links = await page.$$eval('a[href], link[href]', (els) =>
      els.map((el) => (el as unknown as { href: string }).href),
    );
    for (const link of links) {
      const bare = link.split('#')[0]!;
      if (!bare.startsWith(scope) || seen.has(bare)) continue;
      seen.add(bare);
      // Pages are visited; feeds, OPML and the rest are fetched.
      if (/\.(rss|atom|json|opml|css|svg)(\?|$)/.test(new URL(bare).pathname)) others.add(bare);
      else queue.push(bare);
    }
  }
  await page.close();
  for (const url of others) {
    const res = url.startsWith('file:') ? { ok: existsSync(new URL(url)), status: 'missing' } : await fetch(url);
    if (!res.ok) failed.add(`${res.status} ${url}`);
  }
  return { pages, checked: seen.size, failed: [...failed] };
}

describe.skipIf(Boolean(SKIP))(`the site in Chromium ${SKIP}`.trim(), () => {
  it('the front page shows the river: stories by day, with sources, times, summaries, tags and "also in"', async () => {
    const page = await open(desktop, `${daemon.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h2.day').count()).toBeGreaterThan(2);
    expect(await page.locator('article.story').count()).toBe(10); // itemsPerPage in the samples
    const first = page.locator('article.story').first();
    expect(await first.locator('h3').innerText()).toBe('dockers end port strike'.replace(/^./, 'D'));
    expect(await first.locator('.meta').innerText()).toMatch(/^Regional wire · \d\d:\d\d UTC$/);
    expect(await first.locator('.chips a').count()).toBeGreaterThan(0);
    const flood = page.locator('article.story', { hasText: 'Riverside flood barrier holds' });
    expect(await flood.locator('.meta').innerText()).toContain('also in Regional wire');
    // The story the wire also told is there once.
    expect(await page.locator('article.story', { hasText: 'flood barrier' }).count()).toBe(1);
    await page.close();
    await shoot('front', `${daemon.url}/`);
  });

  it('pagination reaches older stories, and back', async () => {
    const page = await open(desktop, `${daemon.url}/`);
    await page.locator('a[rel="next"]').click();
    await page.waitForURL(/\/page\/2\.html$/);
    expect(await page.locator('article.story').count()).toBe(STORIES - 10);
    expect(await page.locator('article.story').last().innerText()).toContain(
      'Riverside library reopens after renovation',
    );
    expect(await page.locator('a[rel="next"]').count()).toBe(0);
    await page.locator('a[rel="prev"]').click();
    await page.waitForURL(/\/index\.html$/);
    expect(await page.locator('article.story').count()).toBe(10);
    await page.close();
  });

  it('search finds the seed document by a word from its text, and says kindly what it cannot read', async () => {
    const page = await open(desktop, `${daemon.url}/`);
    await page.locator('input[name="q"]').fill('reed');
    await page.locator('input[name="q"]').press('Enter');
    await page.waitForURL(/\/search\?q=reed$/);
    expect(await page.locator('article.story h3').allInnerTexts()).toEqual(['Otters return after 40 years']);
    // Every search is a feed too.
    const feed = await page.locator('link[rel="alternate"][type="application/rss+xml"]').getAttribute('href');
    expect(await (await fetch(new URL(feed!, page.url()))).text()).toMatch(
      /<item>\s*<title><!\[CDATA\[Otters return after 40 years\]\]><\/title>/,
    );
    // A stray parenthesis is forgiven (issue 20); only a query without a word cannot be read.
    await page.goto(`${daemon.url}/search?q=${encodeURIComponent('("')}`);
    expect(await page.locator('.notice').innerText()).toMatch(/^Tidings cannot read the search "\(\\"": /);
    await page.close();
    await shoot('search', `${daemon.url}/search?q=tram`);
  });

  it('an article page: the reading view, the original link once, the other carriers', async () => {
    const page = await open(desktop, `${daemon.url}/`);
    await page.locator('article.story h3 a', { hasText: 'Riverside flood barrier holds' }).click();
    await page.waitForURL(/\/articles\/\w+\.html$/);
    expect(await page.locator('h1').innerText()).toBe('Riverside flood barrier holds');
    expect(await page.locator('main article > p:not(.meta)').count()).toBe(4); // the seed's four paragraphs
    expect(await page.locator('main ul.list a').allInnerTexts()).toEqual(['Regional wire']);
    await shoot('article', page.url());
    // The transit digest's items have originals: linked once.
    await page.goto(`${daemon.url}/sources/transit.html`);
    await page.locator('article.story h3 a').first().click();
    await page.waitForURL(/\/articles\//);
    expect(await page.locator('a[href^="https://transit.example.org/"]').count()).toBe(1);
    await page.close();
  });

  it('every link on every page of the sample site resolves, and the feeds link to where the daemon listens', async () => {
    const { pages, checked, failed } = await crawl(desktop, `${daemon.url}/`, `${daemon.url}/`);
    console.log(`served site: ${pages} pages visited, ${checked} addresses checked`);
    expect(failed).toEqual([]);
    expect(pages).toBeGreaterThan(40);
    const rss = await (await fetch(`${daemon.url}/all.rss`)).text();
    const links = [...rss.matchAll(/<link>([^<]+)<\/link>/g)]
      .map((m) => m[1]!)
      .filter((l) => !l.startsWith('https://transit.example.org/'));
    // The channel's link, and each story's but the transit digest's two (their originals are elsewhere).
    expect(links).toHaveLength(1 + STORIES - 2);
    for (const link of links) {
      expect(link.startsWith(`${daemon.url}/`), link).toBe(true);
      expect((await fetch(link)).status, link).toBe(200);
    }
  }, 120_000);

  it('no horizontal scroll at 360 px, and tap targets of at least 44 px', async () => {
    const article = ((await (await fetch(`${daemon.url}/all.json`)).json()) as { items: { url: string }[] }).items[0]!
      .url;
    for (const path of [
      '/',
      '/page/2',
      '/tags',
      '/sources',
      '/sources/transit',
      '/search?q=tram',
      '/tags/riverside',
      new URL(article).pathname,
    ]) {
      const page = await open(phone, `${daemon.url}${path}`);
      const [scroll, width] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      expect(scroll, path).toBeLessThanOrEqual(width);
      const small = await page.$$eval('header a, nav a, .chips a, .pager a, .feeds a, button, input', (els) =>
        els
          .map((el) => [el.textContent, el.getBoundingClientRect()] as const)
          .filter(([, r]) => r.height < 44 || r.width < 44)
          .map(([t, r]) => `${t}: ${Math.round(r.width)}×${Math.round(r.height)}`),
      );
      expect(small, path).toEqual([]);
      await page.close();
    }
  });

  it('dark mode changes the background', async () => {
    const background = async (colorScheme: 'light' | 'dark') => {
      const context = await browser.newContext({ colorScheme });
      const page = await open(context, `${daemon.url}/`);
      const colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await context.close();
      return colour;
    };
    const [light, dark] = [await background('light'), await background('dark')];
    expect(light).toBe('rgb(253, 253, 251)');
    expect(dark).not.toBe(light);
    const [r, g, b] = dark.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(150);
  });
});

/** A plain static file server for a built folder, under a sub-path. */
function serveFolder(root: string, prefix: string): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
    '.rss': 'application/rss+xml',
    '.atom': 'application/atom+xml',
    '.json': 'application/feed+json',
    '.opml': 'text/x-opml',
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const file = path.startsWith(prefix) ? join(root, path.slice(prefix.length) || 'index.html') : '';
    if (!file?.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

describe.skipIf(Boolean(SKIP))(`tidings build in Chromium ${SKIP}`.trim(), () => {
  let out: string;
  beforeAll(async () => {
    const dir = tempDir();
    const args = ['--config', SAMPLES, '--db', join(dir, 't.db')];
    expect((await runCli(['refresh', ...args])).code).toBe(0);
    out = join(dir, 'public');
    expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
  }, 60_000);

  it('works from a plain web server under a sub-path: every link resolves', async () => {
    const server = await serveFolder(out, '/news/');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/news/`;
      const { pages, failed } = await crawl(desktop, base, base);
      expect(failed).toEqual([]);
      expect(pages).toBeGreaterThan(40);
    } finally {
      server.close();
    }
  }, 120_000);

  it('works opened from disk: the river, its pages and an article', async () => {
    const page = await desktop.newPage();
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    expect(await page.locator('article.story').count()).toBe(10);
    await page.locator('a[rel="next"]').click();
    await page.waitForURL(/page\/2\.html$/);
    await page.locator('article.story h3 a').first().click();
    await page.waitForURL(/articles\/\w+\.html$/);
    expect(await page.locator('h1').count()).toBe(1);
    // The stylesheet loaded: the page is styled, not the browser's default.
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    await page.close();
  });
});
