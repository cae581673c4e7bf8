// A real `tidings serve` whose wall clock libfaketime steps a day back, then a day forward: the
// ticks go on, and the step forward does not refetch a feed that asked to be polled hourly.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';
import { startDaemon } from '../helpers-daemon.js';
import { startServer } from '../helpers-http.js';

const FAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const HAS_FAKETIME = existsSync(FAKETIME);
const TICK = /refreshed \d+ sources? /;

forEachStore((kind) =>
  describe.skipIf(!HAS_FAKETIME)(
    `wall clock steps ${HAS_FAKETIME ? '' : '(skipped: Debian package libfaketime is not installed)'}`,
    () => {
      it('a step of a day back, then forward, never stops the ticks or refetches everything', async () => {
        let hits = 0;
        const server = await startServer({
          '/hourly.xml': (_req, res) => (
            hits++,
            res
              .writeHead(200)
              .end(
                '<rss version="2.0"><channel><title>h</title><ttl>60</ttl><item><title>x</title><guid>1</guid></item></channel></rss>',
              )
          ),
        });
        const dir = tempDir();
        const offset = join(dir, 'faketime');
        writeFileSync(offset, '+0\n');
        writeTree(dir, {
          'tidings.yaml': `schedule: "*/2 * * * * *"\nfetch: {allowPrivateNetworks: true}\nsources:\n  - {name: hourly, type: feed, url: "${server.origin}/hourly.xml"}\n  - {name: s, type: seeds, path: seeds}\n`,
          'seeds/a.txt': 'A.\n2024-01-01 00:00:00\n#a\n',
        });
        const daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()], {
          LD_PRELOAD: FAKETIME,
          FAKETIME_TIMESTAMP_FILE: offset,
          FAKETIME_NO_CACHE: '1',
          FAKETIME_DONT_FAKE_MONOTONIC: '1',
        });
        const ticks = () => daemon.count(TICK);
        try {
          await daemon.waitFor(/refreshed 2 sources/);
          expect(hits).toBe(1);
          const before = ticks();
          writeFileSync(offset, '-1d\n');
          await daemon.waitFor(/stepped back by 86400 s/, 6000);
          await daemon.waitFor(TICK, 20_000, before + 2); // ticks every 2 s go on (not a day later)

          const middle = ticks();
          writeFileSync(offset, '+0\n');
          await daemon.waitFor(/stepped forward by 86400 s/, 6000);
          await daemon.waitFor(TICK, 20_000, middle + 2);
          // Polled once at the start; its hour has not passed, whatever the wall clock did.
          expect(hits).toBe(1);
          expect(daemon.count(/missed execution/i)).toBe(0);
        } finally {
          await daemon.stop();
          await server.close();
        }
      }, 60_000);
    },
  ),
);
