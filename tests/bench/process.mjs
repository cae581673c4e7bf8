// Whole-process benchmarks: each figure comes from fresh `tidings` processes (the built CLI,
// bin/tidings.js), printed beside its baseline from the same run:
//  1. first ingest of 5 feed files × 1,000 items of about 7 KB: items/s beside bare rss-parser
//     parseString of the same files in a process of its own (median of 3, interleaved), and peak RSS;
//  2. the refresh right after, with nothing changed: its time beside the first's;
//  3. one feed of 100,000 items: peak RSS;
//  4. `tidings articles --limit 1`, start to exit, beside `node -e 0` (median of 7);
//  5. a cold render of /all.rss (50 items) with gzip, in a warmed-up daemon: its first request
//     (not cached) beside the next ones (cached);
//  6. `tidings serve` resident memory 20 s after its start-up refresh of the 5 files, beside a bare
//     node:http server's.
//   node tests/bench/process.mjs [--runs 3] [--big 100000]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feedDocument, sentence } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// TIDINGS_BENCH_BIN: another build's bin/tidings.js, to measure a release before this one the same way.
const BIN = resolve(process.env.TIDINGS_BENCH_BIN ?? resolve(here, '../../bin/tidings.js'));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 3);
const BIG = arg('--big', 100_000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok) => (ok ? 'met' : 'MISSED');

/** A process, timed from spawn to exit, with its peak RSS (GNU time). */
function timed(args, options = {}) {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    ...options,
  });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed (${run.status}): ${run.stderr.slice(-500)}`);
  const kb = Number(/maxrss (\d+)/.exec(run.stderr)?.[1]);
  return { ms, rssMB: kb / 1024, out: run.stdout };
}

const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-process-'));
const files = Array.from({ length: 5 }, (_, i) => {
  const path = join(dir, `f${i}.xml`);
  writeFileSync(path, feedDocument('rss', 1000, Date.UTC(2025, 0, 1 + i)));
  return path;
});
writeFileSync(
  join(dir, 'tidings.yaml'),
  `sources:\n${files.map((path, i) => `  - {name: f${i}, type: file, path: ${JSON.stringify(path)}, maxItems: 1000}`).join('\n')}\n`,
);
const bare = join(dir, 'bare.mjs');
writeFileSync(
  bare,
  `import { readFileSync } from 'node:fs';\nimport Parser from ${JSON.stringify(resolve(here, '../../node_modules/rss-parser/index.js'))};\nconst parser = new Parser();\nlet n = 0;\nfor (const f of process.argv.slice(2)) n += (await parser.parseString(readFileSync(f, 'utf8'))).items.length;\nconsole.log(n);\n`,
);

// 1 and 2: interleaved runs, each on a fresh database.
const rows = [];
for (let r = 0; r < RUNS; r += 1) {
  const b = timed([process.execPath, bare, ...files]);
  const db = join(dir, `run${r}.db`);
  const cli = (...a) => [process.execPath, BIN, ...a, '--config', join(dir, 'tidings.yaml'), '--db', db];
  const first = timed(cli('refresh'));
  const again = timed(cli('refresh'));
  rows.push({
    bare_ms: Math.round(b.ms),
    first_ms: Math.round(first.ms),
    first_rss_MB: Math.round(first.rssMB),
    unchanged_ms: Math.round(again.ms),
  });
}
console.table(rows);
const items = 5000;
const bareRate = items / (median(rows.map((r) => r.bare_ms)) / 1000);
const ourRate = items / (median(rows.map((r) => r.first_ms)) / 1000);
const ratio = ourRate / bareRate;
console.log(
  `first ingest: ${Math.round(ourRate)} items/s beside bare rss-parser's ${Math.round(bareRate)}: ${ratio.toFixed(2)}× (target ≥ 0.4) ${verdict(ratio >= 0.4)}`,
);
const unchanged = median(rows.map((r) => r.unchanged_ms / r.first_ms));
console.log(
  `unchanged second refresh: ${(unchanged * 100).toFixed(1)}% of the first's time (target ≤ 10%) ${verdict(unchanged <= 0.1)}`,
);
const peak = Math.max(...rows.map((r) => r.first_rss_MB));
console.log(`peak RSS for the 5,000 items: ${peak} MB (target ≤ 250) ${verdict(peak <= 250)}`);

// 3: one big feed.
if (BIG) {
  const path = join(dir, 'big.xml');
  // Short items, as in the issue's 21 MB feed of 100,000: a title, a link, a date and a sentence.
  const item = (i) =>
    `<item><title>${sentence(8)}</title><link>https://big.example/${i}</link><guid>https://big.example/${i}</guid><pubDate>${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}</pubDate><description>${sentence(14)}</description></item>`;
  writeFileSync(
    path,
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>https://big.example/</link><description>d</description>\n${Array.from({ length: BIG }, (_, i) => item(i)).join('\n')}\n</channel></rss>`,
  );
  writeFileSync(
    join(dir, 'big.yaml'),
    `fetch: {maxBodySize: 1GiB}\nsources:\n  - {name: big, type: file, path: ${JSON.stringify(path)}, maxItems: ${BIG}}\n`,
  );
  const big = timed([process.execPath, BIN, 'refresh', '--config', join(dir, 'big.yaml'), '--db', join(dir, 'big.db')]);
  console.log(
    `one feed of ${BIG.toLocaleString('en')} items (${(statSync(path).size / 1048576).toFixed(0)} MB): ${(big.ms / 1000).toFixed(1)} s, peak RSS ${Math.round(big.rssMB)} MB (target ≤ 400) ${verdict(big.rssMB <= 400)}`,
  );
}

// 4: start to exit.
const startup = [];
for (let i = 0; i < 7; i += 1) {
  startup.push({
    node: timed([process.execPath, '-e', '0']).ms,
    articles: timed([
      process.execPath,
      BIN,
      'articles',
      '--limit',
      '1',
      '--config',
      join(dir, 'tidings.yaml'),
      '--db',
      join(dir, 'run0.db'),
    ]).ms,
  });
}
const articlesMs = median(startup.map((s) => s.articles));
const nodeMs = median(startup.map((s) => s.node));
console.log(
  `tidings articles --limit 1: ${articlesMs.toFixed(0)} ms start to exit, beside node -e 0's ${nodeMs.toFixed(0)} ms (target ≤ node + 100) ${verdict(articlesMs <= nodeMs + 100)}`,
);

// 5: a cold render in the daemon.
const get = (port, path) =>
  new Promise((ok, fail) => {
    const started = performance.now();
    request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      res.on('end', () => ok(performance.now() - started));
    })
      .on('error', fail)
      .end();
  });
writeFileSync(
  join(dir, 'serve.yaml'),
  `refreshOnStart: false\nsite: {itemsPerFeed: 50}\nsources:\n${files.map((path, i) => `  - {name: f${i}, type: file, path: ${JSON.stringify(path)}}`).join('\n')}\n`,
);
const daemon = spawn(
  process.execPath,
  [BIN, 'serve', '--port', '0', '--config', join(dir, 'serve.yaml'), '--db', join(dir, 'run0.db')],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise((ok) => {
  let out = '';
  daemon.stdout.on('data', (d) => {
    out += d;
    const m = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
    if (m) ok(Number(m[1]));
  });
});
// Warm the process first (the JIT, the RSS writer) on other feeds; /all.rss itself is not cached yet.
for (let i = 0; i < 5; i += 1)
  for (const path of ['/sources/f0.rss', '/sources/f1.rss', '/all.atom']) await get(port, `${path}?limit=${50 - i}`);
const cold = await get(port, '/all.rss');
const warm = median(await Promise.all([0, 1, 2, 3, 4].map(() => get(port, '/all.rss'))));
daemon.kill('SIGTERM');
console.log(
  `cold /all.rss (50 items, gzip): ${cold.toFixed(1)} ms, beside ${warm.toFixed(1)} ms once cached (target ≤ 10) ${verdict(cold <= 10)}`,
);
// 6: the daemon's resident memory 20 s after its start-up refresh ingested the 5,000 items, beside
// a bare node:http server's (both from /proc/PID/status).
{
  const vmRss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  const waitFor = (child, pattern) =>
    new Promise((ok, fail) => {
      let seen = '';
      const look = (d) => ((seen = (seen + d).slice(-4096)), pattern.test(seen) && ok());
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.on('exit', (code) => fail(new Error(`exited (${code}) before ${pattern}: ${seen.slice(-500)}`)));
    });
  writeFileSync(
    join(dir, 'resident.yaml'),
    `sources:\n${files.map((path, i) => `  - {name: f${i}, type: file, path: ${JSON.stringify(path)}, maxItems: 1000}`).join('\n')}\n`,
  );
  const serve = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--config', join(dir, 'resident.yaml'), '--db', join(dir, 'resident.db')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitFor(serve, /refreshed 5 sources \(0 failed\)/);
  await new Promise((ok) => setTimeout(ok, 20_000));
  const daemonMB = vmRss(serve.pid);
  serve.kill('SIGTERM');
  const bareServer = spawn(
    process.execPath,
    [
      '-e',
      "require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', () => console.log('listening'))",
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitFor(bareServer, /listening/);
  const bareMB = vmRss(bareServer.pid);
  bareServer.kill();
  console.log(
    `serve RSS 20 s after the start-up refresh of 5,000 items: ${daemonMB.toFixed(0)} MB, beside a bare node:http server's ${bareMB.toFixed(0)} MB (target ≤ 100) ${verdict(daemonMB <= 100)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
