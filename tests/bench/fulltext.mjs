// Full text (issue 24): what extraction costs, and the daemon's memory with fullText on.
//  1. extraction (Readability over linkedom, then the sanitizer) of Mozilla Readability's test pages
//     in tests/fixtures/readability, in this process: pages/s, MB of HTML/s and peak RSS;
//  2. a daemon (bin/tidings.js serve) whose 20 feed sources have fullText on, 10 new entries each,
//     every article page served by a 127.0.0.1 server: its peak RSS once the first refresh is done,
//     beside the lean engine's 300 MB bar (process.mjs's peak RSS target).
//   node tests/bench/fulltext.mjs [--pages 120] [--sources 20] [--items 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/tidings.js');
const PAGES = resolve(here, '../fixtures/readability');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const pages = readdirSync(PAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => readFileSync(join(PAGES, e.name, 'source.html'), 'utf8'));

// 1: extraction alone.
const { extractArticle } = await import(resolve(here, '../../dist/normalize/full-text.js'));
const N = arg('--pages', 120);
let bytes = 0;
const started = performance.now();
for (let i = 0; i < N; i += 1) {
  const page = pages[i % pages.length];
  bytes += Buffer.byteLength(page);
  extractArticle(page, 'http://fakehost/test/page.html');
}
const seconds = (performance.now() - started) / 1000;
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(
  `extraction: ${N} pages in ${seconds.toFixed(2)} s: ${(N / seconds).toFixed(1)} pages/s, ${(bytes / 1048576 / seconds).toFixed(1)} MB of HTML/s, peak RSS ${Math.round(peakMB)} MB`,
);

// 2: a daemon with fullText on for every source.
const SOURCES = arg('--sources', 20);
const ITEMS = arg('--items', 10);
const server = createServer((req, res) => {
  const feed = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
  if (feed) {
    const s = Number(feed[1]);
    const items = Array.from(
      { length: ITEMS },
      (_, i) =>
        `<item><title>Story ${s}-${i}</title><link>http://127.0.0.1:${server.address().port}/page/${s}/${i}</link><guid>${s}-${i}</guid><description>An excerpt of story ${s}-${i}…</description></item>`,
    );
    return res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(
        `<rss version="2.0"><channel><title>Feed ${s}</title><link>http://x.example/</link><description>d</description>${items.join('')}</channel></rss>`,
      );
  }
  const page = /^\/page\/(\d+)\/(\d+)$/.exec(req.url ?? '');
  if (page)
    return res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(pages[(Number(page[1]) + Number(page[2])) % pages.length]);
  res.writeHead(404).end();
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
/** A daemon on a fresh database, up to the end of its first refresh: its time and peak RSS. */
async function firstRefresh(fullText) {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-fulltext-'));
  writeFileSync(
    join(dir, 'tidings.yaml'),
    `fetch: {allowPrivateNetworks: true, perHost: 4}\nsources:\n${Array.from({ length: SOURCES }, (_, s) => `  - {name: s${s}, type: feed, url: "${origin}/feed/${s}.xml", fullText: ${fullText}}`).join('\n')}\n`,
  );
  const daemon = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = performance.now();
  await new Promise((ok, fail) => {
    let out = '';
    const read = (d) => {
      out += d;
      if (/refreshed \d+ sources?/.test(out)) ok();
    };
    daemon.stdout.on('data', read);
    daemon.stderr.on('data', read);
    daemon.on('exit', (code) => fail(new Error(`the daemon exited (${code}): ${out.slice(-500)}`)));
  });
  const seconds = (performance.now() - started) / 1000;
  const status = readFileSync(`/proc/${daemon.pid}/status`, 'utf8');
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
  const after = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  daemon.removeAllListeners('exit');
  daemon.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return { seconds, peak, after };
}

const without = await firstRefresh(false);
const withFull = await firstRefresh(true);
server.close();
console.log(
  `daemon, ${SOURCES} sources × ${ITEMS} new entries, first refresh: without fullText ${without.seconds.toFixed(1)} s, peak RSS ${Math.round(without.peak)} MB`,
);
console.log(
  `  with fullText: ${withFull.seconds.toFixed(1)} s, peak RSS ${Math.round(withFull.peak)} MB, RSS after ${Math.round(withFull.after)} MB (target ≤ 300) ${verdict(withFull.peak <= 300)}`,
);
