// `tidings serve` as a real process on port 0: it serves, reloads on SIGHUP, and stops cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { CLI, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';
import { startServer } from '../helpers-http.js';

function waitFor(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
  ms = 15_000,
): Promise<RegExpMatchArray> {
  return new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${pattern}; got:\n${seen}`)), ms);
    child[stream]!.on('data', (d: Buffer) => {
      seen += d;
      const m = seen.match(pattern);
      if (m) {
        clearTimeout(timer);
        ok(m);
      }
    });
  });
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

forEachStore((kind) =>
  describe('tidings serve', () => {
    it('serves feeds, pings WebSub hubs, survives a bad reload, and exits 0 on SIGTERM', async () => {
      let pinged!: (body: string) => void;
      const ping = new Promise<string>((ok) => (pinged = ok));
      const hub = await startServer({
        '/hub': (req, res) => {
          let body = '';
          req
            .on('data', (d) => (body += d))
            .on('end', () => {
              pinged(body);
              res.writeHead(204).end();
            });
        },
      });
      const dir = tempDir();
      const db = await kind.location();
      const config = `site: {title: Daemon test, baseUrl: "https://feeds.example.org"}\nwebsub: {hubs: ["${hub.origin}/hub"]}\nsources:\n  - {name: s, type: seeds, path: seeds}\n`;
      writeTree(dir, { 'tidings.yaml': config, 'seeds/a.txt': 'A story.\n2024-01-01 00:00:00\n#alpha\n' });
      child = spawn(
        CLI[0]!,
        [...CLI.slice(1), 'serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', db],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const logs = waitFor(child, 'stdout', /refreshed 1 source /);
      const [, url] = await waitFor(child, 'stdout', /serving (http:\/\/127\.0\.0\.1:\d+)\//);
      await logs;

      const res = await fetch(`${url}/all.rss`);
      expect(res.status).toBe(200);
      const feed = await new Parser().parseString(await res.text());
      expect(feed.items.map((i) => i.title)).toEqual(['alpha']);
      expect((await fetch(`${url}/tags/alpha.atom`)).status).toBe(200);
      expect(await (await fetch(`${url}/all.atom`)).text()).toContain(`<link rel="hub" href="${hub.origin}/hub"/>`);

      // The startup refresh changed the site: the hub heard about it.
      expect(decodeURIComponent(await ping)).toContain('hub.mode=publish&hub.url=https://feeds.example.org/all.rss');
      await hub.close();

      // A broken configuration is refused on SIGHUP; the old one keeps serving.
      writeFileSync(join(dir, 'tidings.yaml'), `${config}  - {name: bad, type: nope}\n`);
      const refused = waitFor(child, 'stdout', /configuration not reloaded, the old one keeps running/);
      child.kill('SIGHUP');
      await refused;
      expect((await fetch(`${url}/all.json`)).status).toBe(200);

      // 0: stopped by itself (its own watchdog exits 1 when a shutdown takes more than 9 s).
      const exited = new Promise<number | null>((ok) => child!.on('exit', (code) => ok(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const store = await openStore(db);
      expect(await store.integrityCheck()).toBe('ok');
      expect(await store.count('articles')).toBe(1);
      await store.close();
    }, 30_000);
  }),
);
