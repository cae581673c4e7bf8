// Where feeds point: without site.baseUrl, at the address `tidings serve` listens on (so a changed
// port changes every link); with one that differs from it, the daemon says so, once, at start-up.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseUrlDiffers } from '../../src/daemon/serve-site.js';
import { tempDir, writeTree } from '../helpers.js';
import { startDaemon, type Daemon } from '../helpers-daemon.js';

const SEED = 'The council approved the tram line.\n2024-01-18 10:00:00\n#Council #approves #tram\n';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function serve(site: string): Promise<Daemon> {
  const dir = tempDir();
  writeTree(dir, {
    'tidings.yaml': `site: ${site}\nsources:\n  - {name: s, type: seeds, path: seeds}\n`,
    'seeds/a.txt': SEED,
  });
  daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
  return daemon;
}

describe('site.baseUrl and the listening address', () => {
  it('without baseUrl, feeds and OPML link to where the daemon listens, and nothing is said', async () => {
    const d = await serve('{title: T}');
    const rss = await (await fetch(`${d.url}/all.rss`)).text();
    expect(rss).toContain(`<atom:link href="${d.url}/all.rss" rel="self"`);
    expect(await (await fetch(`${d.url}/subscriptions.opml`)).text()).toContain(`xmlUrl="${d.url}/all.rss"`);
    expect(d.output()).not.toContain('site.baseUrl');
  });

  it('with a baseUrl elsewhere, feeds link there, and the daemon says so once', async () => {
    const d = await serve('{title: T, baseUrl: "https://news.example.org"}');
    expect(await (await fetch(`${d.url}/all.rss`)).text()).toContain(
      '<atom:link href="https://news.example.org/all.rss" rel="self"',
    );
    await d.waitFor(/Note: site\.baseUrl is https:\/\/news\.example\.org/);
    expect(d.count(/Note: site\.baseUrl/)).toBe(1);
  });

  it.each([
    ['http://localhost:8080', 'http://127.0.0.1:8080', false],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080', false],
    ['http://localhost:8080', 'http://127.0.0.1:18080', true],
    ['https://news.example.org', 'http://127.0.0.1:8080', true],
    ['http://localhost:8080/news', 'http://127.0.0.1:8080', true],
    ['http://localhost', 'http://127.0.0.1:80', false],
  ])('%s against %s differs: %s', (configured, listening, differs) => {
    expect(baseUrlDiffers(configured, listening)).toBe(differs);
  });
});
