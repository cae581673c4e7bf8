// The daemon, the CLI and a feed reader agree: whatever process changes the store or the
// configuration, `tidings serve` shows it within two seconds, with no signal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { startDaemon, spawnTidings, type Daemon } from '../helpers-daemon.js';
import { startServer } from '../helpers-http.js';
import { forEachStore } from '../stores.js';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
});

/** Polls until `check` is true (the daemon follows the store by polling it too); returns how long it took, printed only. `ms` is a safety net. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 25));
  }
  return Date.now() - started;
}

const seed = (text: string, stamp: string, tags: string) => `${text}\n${stamp}\n${tags}\n`;

forEachStore((kind) =>
  describe('tidings serve and the CLI on one store', () => {
    it('a manual refresh reaches subscribers at once, with a new ETag (the delay is printed; speed belongs to npm run bench)', async () => {
      const dir = tempDir();
      // The daemon ticks once a year: only the CLI refreshes after its first refresh.
      writeTree(dir, {
        'tidings.yaml': 'schedule: "0 0 1 1 *"\nsources:\n  - {name: s, type: seeds, path: seeds}\n',
        'seeds/a.txt': seed('A first story.', '2024-01-01 00:00:00', '#first'),
      });
      const args = ['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()];
      daemon = await startDaemon(args);
      await daemon.waitFor(/refreshed 1 source /);
      const first = await fetch(`${daemon.url}/all.rss`);
      const etag = first.headers.get('etag');
      expect(await first.text()).toContain('<title><![CDATA[first]]></title>');

      writeTree(dir, { 'seeds/b.txt': seed('A second story.', '2024-01-02 00:00:00', '#second') });
      const refresh = await runCli(['refresh', ...args]);
      expect(refresh.out).toBe('s: 1 new, 0 updated, 1 unchanged\n');
      const ms = await within(15_000, async () => (await fetch(`${daemon!.url}/all.rss`)).headers.get('etag') !== etag);
      const body = await (await fetch(`${daemon.url}/all.rss`)).text();
      expect(body).toContain('<title><![CDATA[second]]></title>');
      console.log(`a CLI refresh was visible on /all.rss ${ms} ms after it ended`);
    });

    it('sources add and a hand edit take effect without a signal; a broken edit is refused and the old one runs on', async () => {
      const dir = tempDir();
      const config = 'schedule: "0 0 1 1 *"\nsources:\n  - {name: s, type: seeds, path: seeds}\n';
      writeTree(dir, { 'tidings.yaml': config, 'seeds/a.txt': seed('A story.', '2024-01-01 00:00:00', '#a') });
      const args = ['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()];
      daemon = await startDaemon(args);
      await daemon.waitFor(/refreshed 1 source /);
      expect((await fetch(`${daemon.url}/sources/extra`)).status).toBe(404);

      const add = await runCli(['sources', 'add', join(FIXTURES, 'feeds/rss2.xml'), '--name', 'extra', ...args]);
      expect(add.code).toBe(0);
      expect(add.out).toMatch(
        /tidings serve \(daemon:\d+\) sees this within a second; it fetches new sources at its next tick/,
      );
      const ms = await within(15_000, async () => (await fetch(`${daemon!.url}/sources/extra`)).status === 200);
      expect(await (await fetch(`${daemon.url}/sources`)).text()).toContain('href="sources/extra.html"');
      console.log(`sources add was visible on the site ${ms} ms after it ended`);

      writeFileSync(join(dir, 'tidings.yaml'), `${config}  - {name: bad, type: nope}\n`);
      await daemon.waitFor(/configuration not reloaded, the old one keeps running/, 3000);
      expect((await fetch(`${daemon.url}/sources/s.rss`)).status).toBe(200);
    });

    it('a slow feed does not hold back what the other sources of the tick stored', async () => {
      const dir = tempDir();
      let answer!: () => void;
      const server = await startServer({
        '/slow.xml': (_req, res) =>
          void new Promise<void>((ok) => (answer = ok)).then(() =>
            res.writeHead(200).end('<rss><channel><item><title>late</title><guid>1</guid></item></channel></rss>'),
          ),
      });
      writeTree(dir, {
        'tidings.yaml': `schedule: "0 0 1 1 *"\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: slow, type: feed, url: "${server.origin}/slow.xml"}\n  - {name: s, type: seeds, path: seeds}\n`,
        'seeds/a.txt': seed('A quick story.', '2024-01-01 00:00:00', '#quick'),
      });
      try {
        daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()]);
        await within(15_000, async () => (await (await fetch(`${daemon!.url}/all.rss`)).text()).includes('quick'));
        expect(daemon.output()).not.toMatch(/refreshed \d+ sources? /); // the tick is still waiting for the slow feed
        answer();
        await daemon.waitFor(/refreshed 2 sources/);
        await within(15_000, async () => (await (await fetch(`${daemon!.url}/all.rss`)).text()).includes('late'));
      } finally {
        await server.close();
      }
    });

    it('a refresh killed with SIGKILL leaves a claim that the next refresh takes over at once', async () => {
      const dir = tempDir();
      let asked!: () => void;
      const request = new Promise<void>((ok) => (asked = ok));
      let first = true;
      // The first request is never answered: the refresh that made it holds its claim on the source.
      const server = await startServer({
        '/slow.xml': (_req, res) => {
          if (first) return void ((first = false), asked());
          res
            .writeHead(200)
            .end(
              '<rss><channel><item><title>at last</title><guid>1</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item></channel></rss>',
            );
        },
      });
      writeTree(dir, {
        'tidings.yaml': `fetch: {allowPrivateNetworks: true}\nsources:\n  - {name: slow, type: feed, url: "${server.origin}/slow.xml"}\n`,
      });
      const args = ['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()];
      try {
        const stuck = spawnTidings(['refresh', ...args]);
        await request;
        stuck.child.kill('SIGKILL');
        await stuck.exited;
        // A claim not taken over would be waited for 5 s, then refused (the claim lasts 2 minutes).
        const next = await runCli(['refresh', '--wait', '5', ...args]);
        expect(next.out).toBe('slow: 1 new, 0 updated, 0 unchanged\n');
        expect(next.err).toMatch(/slow was claimed by cli:\d+ \(pid \d+\), which is gone: taking it over/);
      } finally {
        await server.close();
      }
    });
  }),
);
