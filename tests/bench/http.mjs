// HTTP benchmark: wrk against `tidings serve` and, in the same run, a bare node:http server that
// returns the same bytes. 10 s at 50 connections each, for 200, gzip and 304 answers.
//   node tests/bench/http.mjs [--seconds 10] [--connections 50]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { random } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/tidings.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('--seconds', 10));
const CONNECTIONS = Number(arg('--connections', 50));

function ensureWrk() {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  console.log('wrk is missing: installing the Debian package (apt-get install -y wrk)');
  const install = spawnSync('sh', ['-c', 'apt-get install -y wrk >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1)'], { stdio: 'inherit' });
  if (spawnSync('wrk', ['--version']).error) {
    console.error('could not install wrk (needs root and Debian); install it by hand: apt-get install wrk');
    process.exit(2);
  }
}

// 50 articles of about 4 KB each, of words drawn at random (seeded) so they compress like prose.
function writeSite(dir) {
  const word = () => Array.from({ length: 2 + Math.floor(random() * 8) }, () => 'etaoinshrdlucmfwypvbgkqjxz'[Math.floor(random() ** 2 * 26)]).join('');
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  for (let i = 0; i < 50; i += 1) {
    const paragraphs = Array.from({ length: 6 }, () => Array.from({ length: 110 }, word).join(' ') + '.');
    const stamp = new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString().replace('T', ' ').slice(0, 19);
    writeFileSync(join(dir, 'seeds', `doc-${String(i).padStart(2, '0')}.txt`), `${paragraphs.join('\n')}\n${stamp}\n#bench #doc${i}\n`);
  }
  writeFileSync(join(dir, 'tidings.yaml'), 'site: {title: Bench, itemsPerFeed: 50}\nsources:\n  - {name: bench, type: seeds, path: seeds}\n');
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

function wrk(url, headers) {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url];
  const out = execFileSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const p99raw = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = Number(p99raw[1]) * { us: 0.001, ms: 1, s: 1000 }[p99raw[2]];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return { rps, p99, errors: non2xx ? Number(non2xx[1]) : 0 };
}

ensureWrk();
const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-http-'));
writeSite(dir);
const tidings = await startProcess([BIN, 'serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')], /serving (http:\/\/[\d.:]+)\//);
await new Promise((ok) => setTimeout(ok, 1500)); // the startup refresh
const feedUrl = `${tidings.url}/all.rss`;
const plainRes = await fetch(feedUrl, { headers: { 'accept-encoding': 'identity' } });
const plain = Buffer.from(await plainRes.arrayBuffer());
const etag = plainRes.headers.get('etag');

const { gzipSync } = await import('node:zlib');
const gz = gzipSync(plain, { level: 9 });
writeFileSync(join(dir, 'body'), plain);
writeFileSync(join(dir, 'body.gz'), gz);
const bare = await startProcess(['-e', BARE, JSON.stringify([dir, etag, plainRes.headers.get('content-type')])], /bare (http:\/\/[\d.:]+)/);
console.log(`feed: /all.rss, ${plain.length} bytes (${gz.length} gzipped); wrk ${SECONDS} s, ${CONNECTIONS} connections, 2 threads`);

const cases = [
  ['200', []],
  ['gzip', ['Accept-Encoding: gzip']],
  ['304', [`If-None-Match: ${etag}`]],
];
const rows = [];
for (const [name, headers] of cases) {
  const ours = wrk(feedUrl, headers);
  const base = wrk(`${bare.url}/all.rss`, headers);
  rows.push({ answer: name, tidings_rps: Math.round(ours.rps), bare_rps: Math.round(base.rps), ratio: (ours.rps / base.rps).toFixed(2), tidings_p99_ms: ours.p99.toFixed(2), bare_p99_ms: base.p99.toFixed(2), errors: ours.errors + base.errors });
}
console.table(rows);
const targets = { 200: 0.6, gzip: 0.6, 304: 0.9 };
for (const r of rows) console.log(`${r.answer}: ${r.ratio}× the bare server (target ≥ ${targets[r.answer]}) ${Number(r.ratio) >= targets[r.answer] ? 'met' : 'MISSED'}`);
tidings.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
