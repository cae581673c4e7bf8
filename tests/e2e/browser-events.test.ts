// Events on the site, in a real browser (Debian's Chromium through playwright-core, as in
// browser.test.ts): three outlets' reports of the same events (BASIL), refreshed and built. The
// river shows each event's lead story once, with "Also reported by" and each other source once;
// the event's page lists every report, newest first, with its RSS, Atom and JSON feeds, which pass
// the W3C feed validator.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SHARED, tempDir, writeTree } from '../helpers.js';
import { eventOfTitle, writeEventFeeds } from '../helpers-events.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? '' : `(skipped: ${CHROMIUM} is missing; apt-get install chromium)`;
const VALIDATOR = join(SHARED, 'tools/validate-feeds.py');

let browser: Browser;
let out: string;
const url = (path: string) => pathToFileURL(join(out, path)).href;

beforeAll(async () => {
  if (SKIP) return;
  const dir = tempDir();
  // Events 5, 7 and 10 told by all three outlets; of event 11 only the Times' report.
  writeTree(dir, {
    'tidings.yaml': `site: {title: Events, itemsPerPage: 20, baseUrl: 'http://localhost:8080'}\nsources:\n${writeEventFeeds(dir, [5, 7, 10, 11], (r) => eventOfTitle(r.title) !== 11 || r.source === 'nyt')}`,
  });
  const args = ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')];
  expect((await runCli(['refresh', ...args])).code).toBe(0);
  out = join(dir, 'public');
  expect((await runCli(['build', '--out', out, ...args])).code).toBe(0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url(path));
  return page;
}

describe.skipIf(Boolean(SKIP))(`events on the site, in Chromium ${SKIP}`.trim(), () => {
  it('the river shows each event once: its lead story with "Also reported by", each other source once', async () => {
    const page = await open('index.html');
    // Three events of three reports and one lone report: four entries, not ten.
    expect(await page.locator('article.story').count()).toBe(4);
    const reported = page.locator('article.story p.reported');
    expect(await reported.count()).toBe(3);
    for (const line of await reported.allInnerTexts()) {
      expect(line).toMatch(/^Also reported by (nyt|fox|hpo), (nyt|fox|hpo) · all 3 reports$/);
      const names = line
        .replace(/^Also reported by /, '')
        .split(' · ')[0]!
        .split(', ');
      expect(new Set(names).size).toBe(names.length);
    }
    // The lead story is the event's first report, and its own source is not among the others.
    const naacp = page
      .locator('article.story', { hasText: 'Also reported by' })
      .filter({ hasText: /NAACP|N\.A\.A\.C\.P\./ });
    expect(await naacp.count()).toBe(1);
    const source = (await naacp.locator('p.meta').first().innerText()).split(' · ')[0]!;
    expect(await naacp.locator('p.reported').innerText()).not.toContain(source);
    await page.close();
  });

  it('an event page lists every report, newest first, and links its feeds', async () => {
    const page = await open('index.html');
    await page.locator('article.story p.reported a', { hasText: 'all 3 reports' }).first().click();
    await page.waitForURL(/events\/[0-9a-f]{16}\.html$/);
    expect(await page.locator('article.story').count()).toBe(3);
    const times = await page
      .locator('article.story time')
      .evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    expect([...times].sort().reverse()).toEqual(times);
    const sources = await page.locator('article.story p.meta').allInnerTexts();
    expect(new Set(sources.map((s) => s.split(' · ')[0])).size).toBe(3);
    for (const type of ['application/rss+xml', 'application/atom+xml', 'application/feed+json']) {
      expect(await page.locator(`link[rel="alternate"][type="${type}"]`).count(), type).toBe(1);
    }
    const json = new URL(
      (await page.locator('link[rel="alternate"][type="application/feed+json"]').getAttribute('href'))!,
      page.url(),
    ).href;
    await page.goto(json);
    expect(JSON.parse(await page.locator('body').innerText()).items).toHaveLength(3);
    // Each independent report stays its own item in the main feeds.
    await page.goto(url('all.json'));
    expect(JSON.parse(await page.locator('body').innerText()).items).toHaveLength(10);
    await page.close();
  });

  it.skipIf(!existsSync(VALIDATOR))('the event feeds pass the W3C feed validator with no error', () => {
    const events = join(out, 'events');
    const feeds = readdirSync(events).filter((f) => /\.(rss|atom)$/.test(f));
    expect(feeds).toHaveLength(6);
    const run = spawnSync('/usr/bin/python3', [VALIDATOR, events], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const summary = /validate-feeds: (\d+) files, (\d+) errors/.exec(run.stdout);
    expect(summary, run.stdout + run.stderr).not.toBeNull();
    expect({ files: Number(summary![1]), errors: Number(summary![2]) }, run.stdout).toEqual({ files: 6, errors: 0 });
    for (const f of readdirSync(events).filter((f) => f.endsWith('.json')))
      expect(JSON.parse(readFileSync(join(events, f), 'utf8')).items).toHaveLength(3);
  });
});
