// HTTP benchmark: wrk against `tidings serve` and, in the same run, a bare node:http server that
// returns the same bytes. 10 s at 50 connections each, for 200, gzip and 304 answers. Then the
// same /all.rss while a tick of the daemon ingests 5,000 seed documents, beside its p99 at rest.
//   node tests/bench/http.mjs [--seconds 10] [--connections 50]
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { random } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// TIDINGS_BENCH_BIN: another build's bin/tidings.js, measured the same way (see process.mjs).
const BIN = resolve(process.env.TIDINGS_BENCH_BIN ?? resolve(here, '../../bin/tidings.js'));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('--seconds', 10));
const CONNECTIONS = Number(arg('--connections', 50));

function ensureWrk() {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  console.log('wrk is missing: installing the Debian package (apt-get install -y wrk)');
  spawnSync(
    'sh',
    [
      '-c',
      'apt-get install -y wrk >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1)',
    ],
    { stdio: 'inherit' },
  );
  if (spawnSync('wrk', ['--version']).error) {
    console.error('could not install wrk (needs root and Debian); install it by hand: apt-get install wrk');
    process.exit(2);
  }
}

// 50 articles of about 4 KB each, of words drawn at random (seeded) so they compress like prose.
function writeSite(dir) {
  const word = () =>
    Array.from(
      { length: 2 + Math.floor(random() * 8) },
      () => 'etaoinshrdlucmfwypvbgkqjxz'[Math.floor(random() ** 2 * 26)],
    ).join('');
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  for (let i = 0; i < 50; i += 1) {
    const paragraphs = Array.from({ length: 6 }, () => `${Array.from({ length: 110 }, word).join(' ')}.`);
    const stamp = new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString().replace('T', ' ').slice(0, 19);
    writeFileSync(
      join(dir, 'seeds', `doc-${String(i).padStart(2, '0')}.txt`),
      `${paragraphs.join('\n')}\n${stamp}\n#bench #doc${i}\n`,
    );
  }
  writeFileSync(
    join(dir, 'tidings.yaml'),
    'site: {title: Bench, itemsPerFeed: 50}\nsources:\n  - {name: bench, type: seeds, path: seeds}\n',
  );
}

function startProcess(args, ready) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m) ok({ child, url: m[1] });
    });
    child.on('exit', (code) => fail(new Error(`exited with ${code}: ${out}`)));
  });
}

const BARE = `
const http = require('node:http');
const fs = require('node:fs');
const [dir, etag, type] = JSON.parse(process.argv[1]);
const body = fs.readFileSync(dir + '/body'), gz = fs.readFileSync(dir + '/body.gz');
const server = http.createServer((req, res) => {
  if (req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }); return res.end(); }
  const useGzip = /gzip/.test(req.headers['accept-encoding'] || '');
  res.writeHead(200, { 'content-type': type, etag, ...(useGzip ? { 'content-encoding': 'gzip' } : {}) });
  res.end(useGzip ? gz : body);
});
server.listen(0, '127.0.0.1', () => console.log('bare http://127.0.0.1:' + server.address().port));
`;

const wrkArgs = (url, headers, seconds = SECONDS) => [
  '-t2',
  `-c${CONNECTIONS}`,
  `-d${seconds}s`,
  '--timeout',
  '2s',
  '--latency',
  ...headers.flatMap((h) => ['-H', h]),
  url,
];

/** wrk's figures: requests/s, p99 latency, and errors (non-2xx/3xx answers, socket errors and timeouts). */
function readWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const p99raw = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = Number(p99raw[1]) * { us: 0.001, ms: 1, s: 1000 }[p99raw[2]];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = (non2xx ? Number(non2xx[1]) : 0) + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps, p99, errors };
}

const wrk = (url, headers) => readWrk(execFileSync('wrk', wrkArgs(url, headers), { encoding: 'utf8' }));

ensureWrk();
const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-http-'));
writeSite(dir);
const tidings = await startProcess(
  [BIN, 'serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')],
  /serving (http:\/\/[\d.:]+)\//,
);
await new Promise((ok) => setTimeout(ok, 1500)); // the startup refresh
const feedUrl = `${tidings.url}/all.rss`;
const plainRes = await fetch(feedUrl, { headers: { 'accept-encoding': 'identity' } });
const plain = Buffer.from(await plainRes.arrayBuffer());
const etag = plainRes.headers.get('etag');

const { gzipSync } = await import('node:zlib');
const gz = gzipSync(plain, { level: 9 });
writeFileSync(join(dir, 'body'), plain);
writeFileSync(join(dir, 'body.gz'), gz);
const bare = await startProcess(
  ['-e', BARE, JSON.stringify([dir, etag, plainRes.headers.get('content-type')])],
  /bare (http:\/\/[\d.:]+)/,
);
console.log(
  `feed: /all.rss, ${plain.length} bytes (${gz.length} gzipped); wrk ${SECONDS} s, ${CONNECTIONS} connections, 2 threads`,
);

const cases = [
  ['200', []],
  ['gzip', ['Accept-Encoding: gzip']],
  ['304', [`If-None-Match: ${etag}`]],
];
const rows = [];
for (const [name, headers] of cases) {
  const ours = wrk(feedUrl, headers);
  const base = wrk(`${bare.url}/all.rss`, headers);
  rows.push({
    answer: name,
    tidings_rps: Math.round(ours.rps),
    bare_rps: Math.round(base.rps),
    ratio: (ours.rps / base.rps).toFixed(2),
    tidings_p99_ms: ours.p99.toFixed(2),
    bare_p99_ms: base.p99.toFixed(2),
    errors: ours.errors + base.errors,
  });
}
console.table(rows);
// Issues 16 and 23's bar: at least 0.85× the bare server for each answer.
for (const r of rows)
  console.log(
    `serving ${r.answer}: ${r.ratio}× the bare node:http server's requests/s (target ≥ 0.85) ${Number(r.ratio) >= 0.85 ? 'met' : 'MISSED'}`,
  );
tidings.child.kill('SIGTERM');
bare.child.kill('SIGTERM');

// Under ingest: the daemon ticks every 3 s; 5,000 new seed documents land in a second source while
// wrk asks for /all.rss (gzip, as feed readers ask). Parsing runs in the workers and the store's
// transaction pauses for the event loop, so answers keep coming.
const BULK = 5000;
writeFileSync(
  join(dir, 'busy.yaml'),
  `schedule: "*/3 * * * * *"\nsite: {title: Bench, itemsPerFeed: 50}\nsources:\n  - {name: bench, type: seeds, path: seeds}\n  - {name: bulk, type: seeds, path: bulk}\n`,
);
mkdirSync(join(dir, 'bulk'), { recursive: true });
const busy = await startProcess(
  [BIN, 'serve', '--port', '0', '--config', join(dir, 'busy.yaml'), '--db', join(dir, 'busy.db')],
  /serving (http:\/\/[\d.:]+)\//,
);
await new Promise((ok) => setTimeout(ok, 4000)); // the startup refresh, and a tick with nothing new
let log = '';
busy.child.stdout.on('data', (d) => (log += d));
const busyUrl = `${busy.url}/all.rss`;
const atRest = wrk(busyUrl, ['Accept-Encoding: gzip']);
log = '';
const loaded = new Promise((ok, fail) =>
  execFile('wrk', wrkArgs(busyUrl, ['Accept-Encoding: gzip'], 12), { encoding: 'utf8' }, (err, out) =>
    err ? fail(err) : ok(readWrk(out)),
  ),
);
await new Promise((ok) => setTimeout(ok, 1000));
for (let i = 0; i < BULK; i += 1) {
  const paragraphs = Array.from(
    { length: 4 },
    () =>
      `${Array.from({ length: 60 }, () => 'etaoinshrdlucmfwypvbgkqjxz'.slice(0, 2 + Math.floor(random() * 8))).join(' ')}.`,
  );
  writeFileSync(
    join(dir, 'bulk', `doc-${String(i).padStart(5, '0')}.txt`),
    `Bulk story ${i}. ${paragraphs.join('\n')}\n2025-02-01 00:00:00\n#bulk #n${i % 100}\n`,
  );
}
const underIngest = await loaded;
const longest = Math.max(
  ...[...log.matchAll(/refreshed 2 sources \(\d+ failed\) in ([\d.]+) s/g)].map((m) => Number(m[1])),
);
const stored = (await (await fetch(`${busy.url}/sources/bulk.json`)).json()).items.length;
busy.child.kill('SIGTERM');
console.log(
  `\n/all.rss (gzip) while a tick ingests ${BULK} seed documents (${stored ? 'stored' : 'NOT stored'}; the longest tick took ${longest} s):`,
);
console.table([
  { when: 'at rest', rps: Math.round(atRest.rps), p99_ms: atRest.p99.toFixed(2), errors: atRest.errors },
  {
    when: `ingesting ${BULK} seeds`,
    rps: Math.round(underIngest.rps),
    p99_ms: underIngest.p99.toFixed(2),
    errors: underIngest.errors,
  },
]);
console.log(
  `p99 under ingest: ${underIngest.p99.toFixed(1)} ms (target < 100 ms, no errors) ${underIngest.p99 < 100 && underIngest.errors === 0 && stored ? 'met' : 'MISSED'}`,
);
