// Unique URLs cannot grow the daemon: the render cache is bounded in bytes, and feeds with a
// ?limit= of their own are rendered for the request, not kept.
import { request as httpRequest, Agent } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';
import { residentKb, startDaemon } from '../helpers-daemon.js';

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

forEachStore((kind) => describe('the daemon under 10,000 distinct query strings', () => {
  it('grows by less than 64 MB', async () => {
    const dir = tempDir();
    const files: Record<string, string> = { 'tidings.yaml': 'schedule: "0 0 1 1 *"\nsources:\n  - {name: s, type: seeds, path: seeds}\n' };
    for (let i = 0; i < 50; i += 1) files[`seeds/${i}.txt`] = `${`Paragraph ${i} of a story that goes on for a while. `.repeat(40)}\n2024-01-01 00:${String(i).padStart(2, '0')}:00\n#story #topic${i % 10}\n`;
    writeTree(dir, files);
    const daemon = await startDaemon(['--config', join(dir, 'tidings.yaml'), '--db', await kind.location()]);
    try {
      await daemon.waitFor(/refreshed 1 source /);
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const paths = ['/all.rss', '/all.atom', '/all.json', '/sources/s.rss', ...Array.from({ length: 10 }, (_, t) => `/tags/topic${t}.atom`)];
      for (const p of paths) await get(`${daemon.url}${p}`, agent); // warm: the feeds rendered once
      const before = await residentKb(daemon.child.pid!);
      let ok = 0;
      for (let i = 0; i < 10_000; i += 50) {
        const batch = Array.from({ length: 50 }, (_, j) => {
          const n = i + j;
          return `${daemon.url}${paths[n % paths.length]}?limit=${1 + (n % 199)}&n=${n}`;
        });
        ok += (await Promise.all(batch.map((u) => get(u, agent)))).filter((s) => s === 200).length;
      }
      const after = await residentKb(daemon.child.pid!);
      agent.destroy();
      expect(ok).toBe(10_000);
      console.log(`10,000 distinct query strings: RSS ${Math.round(before / 1024)} → ${Math.round(after / 1024)} MB`);
      expect((after - before) / 1024).toBeLessThan(64);
    } finally {
      await daemon.stop();
    }
  }, 120_000);
}));
