// Hostile inputs (issue 25): the time and memory bars the unit tests only check loosely.
//   1. /healthz while searches run (the costliest queries the parser accepts, and one it refuses):
//      the longest /healthz answer, target < 100 ms.
//   2. A feed of one item with 2,000 categories: `tidings build`, target < 5 s and < 10 MB written.
//   3. A `type: file` source at a FIFO and at /dev/zero: `tidings refresh` fails it, target < 1 s.
//   4. SIGTERM part way through `tidings build` of 3,200 articles: exits, target < 2 s, no .tmp left.
//   5. Documents built to be slow, parsed in a worker: 120 KB of "a<p", 100,000 nested XHTML
//      elements, the billion laughs: target < 1 s each; and the event loop's longest pause while a
//      10 MiB one is parsed, target < 100 ms. (The unit tests check what they parse to, not how fast.)
//   6. `tidings serve` under 10,000 distinct query strings (?limit=…&n=…): its resident memory
//      grows by less than 64 MB (the render cache is bounded; a feed with its own limit is not kept).
//   node tests/bench/hostile.mjs
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest, Agent } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentence } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/tidings.js');
const met = (ok) => (ok ? 'met' : 'MISSED');

function site(name, items, categories) {
  const dir = mkdtempSync(join(tmpdir(), `tidings-bench-${name}-`));
  const item = (i) =>
    `<item><guid>g${i}</guid><title>${sentence(8)}</title><pubDate>${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}</pubDate>` +
    `<description>${Array.from({ length: 6 }, () => sentence()).join(' ')}</description>${Array.from({ length: categories }, (_, c) => `<category>topic ${c}</category>`).join('')}</item>`;
  writeFileSync(
    join(dir, 'feed.xml'),
    `<rss version="2.0"><channel><title>T</title><link>https://example.org/</link>${Array.from({ length: items }, (_, i) => item(i)).join('')}</channel></rss>`,
  );
  writeFileSync(
    join(dir, 'tidings.yaml'),
    `fetch: {maxBodySize: 100MiB}\nsite: {baseUrl: "https://example.org/"}\nsources:\n  - {name: f, type: file, path: feed.xml, maxItems: ${Math.max(items, 1)}}\n`,
  );
  const args = ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')];
  const run = (...a) => spawnSync(process.execPath, [BIN, ...a, ...args], { encoding: 'utf8' });
  return { dir, args, run };
}

function written(dir) {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
  return {
    count: files.length,
    bytes: files.reduce((n, f) => n + statSync(join(dir, f)).size, 0),
    temps: files.filter((f) => f.endsWith('.tmp')).length,
  };
}

// 1. /healthz while searches run.
{
  const { args, run } = site('search', 3000, 2);
  run('refresh');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise((ok) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/[\d.:]+)\//.exec(out);
      if (m) ok(m[1]);
    });
  });
  const prefixes = Array.from({ length: 8 }, (_, i) => `${'aeioubcd'[i]}*`);
  const queries = [
    ['8 one-letter prefixes, OR', prefixes.join(' OR ')],
    ['8 one-letter prefixes, AND', prefixes.join(' ')],
    ['602 prefixes (refused)', Array(602).fill('a*').join(' ')],
  ];
  // The first search starts the search worker and renders the first page: not what is measured.
  await (await fetch(`${origin}/search?q=warm`)).text();
  // The same polling with no search: on a shared, loaded machine /healthz is not instant anyway.
  let restLongest = 0;
  for (const end = performance.now() + 1000; performance.now() < end; ) {
    const t = performance.now();
    await (await fetch(`${origin}/healthz`)).text();
    restLongest = Math.max(restLongest, performance.now() - t);
  }
  const rows = [
    { query: '(none: at rest, 1 s)', path: '', status: '', search_ms: '', longest_healthz_ms: restLongest.toFixed(1) },
  ];
  let worstHealthz = 0;
  for (const [name, q] of queries) {
    for (const path of ['/search', '/search.rss']) {
      let searching = true;
      let longest = 0;
      const poll = (async () => {
        while (searching) {
          const t = performance.now();
          await (await fetch(`${origin}/healthz`)).text();
          longest = Math.max(longest, performance.now() - t);
        }
      })();
      const t = performance.now();
      // Spaces as "+", as a form sends them: 602 prefixes fit in the 2 KB URL limit so.
      const res = await fetch(`${origin}${path}?q=${q.split(' ').map(encodeURIComponent).join('+')}`);
      await res.text();
      const took = performance.now() - t;
      searching = false;
      await poll;
      worstHealthz = Math.max(worstHealthz, longest);
      rows.push({
        query: name,
        path,
        status: res.status,
        search_ms: took.toFixed(0),
        longest_healthz_ms: longest.toFixed(1),
      });
    }
  }
  child.kill('SIGTERM');
  console.log('\n/healthz while a search runs (3,000 articles):');
  console.table(rows);
  console.log(
    `longest /healthz while searching: ${worstHealthz.toFixed(1)} ms, at rest ${restLongest.toFixed(1)} ms (target < 100 ms) ${met(worstHealthz < 100)}`,
  );
}

// 2. One item with 2,000 categories.
{
  const { dir, run } = site('categories', 1, 2000);
  run('refresh');
  const t = performance.now();
  const build = run('build', '--out', join(dir, 'out'));
  const took = (performance.now() - t) / 1000;
  const out = written(join(dir, 'out'));
  console.log(
    `\n2,000 categories: build ${took.toFixed(2)} s, ${out.count} files, ${(out.bytes / 1048576).toFixed(2)} MB (${build.status === 0 ? 'ok' : build.stderr.trim()})`,
  );
  console.log(`target < 5 s and < 10 MB: ${met(took < 5 && out.bytes < 10 * 1048576)}`);
}

// 3. A file source at a FIFO and at /dev/zero, beside a good one.
for (const [name, make] of [
  ['FIFO', (dir) => (execFileSync('mkfifo', [join(dir, 'pipe')]), join(dir, 'pipe'))],
  ['/dev/zero', () => '/dev/zero'],
]) {
  const { dir } = site('special', 1, 0);
  writeFileSync(
    join(dir, 'tidings.yaml'),
    `sources:\n  - {name: bad, type: file, path: ${JSON.stringify(make(dir))}}\n  - {name: good, type: file, path: feed.xml}\n`,
  );
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [BIN, 'refresh', '--json', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const took = (performance.now() - t) / 1000;
  const { results } = JSON.parse(r.stdout);
  const [bad, good] = results;
  console.log(
    `\nfile source at ${name}: failed in ${(bad.durationMs / 1000).toFixed(3)} s (the whole refresh process ${took.toFixed(2)} s, Node's start-up included): ${bad.error}; the good source: ${good.ok ? `${good.new} new` : good.error}`,
  );
  console.log(
    `target < 1 s, alone, one line: ${met(bad.durationMs < 1000 && !bad.ok && good.ok && !bad.error.includes('\n'))}`,
  );
}

// 4. SIGTERM during build.
{
  const { dir, args, run } = site('sigterm', 3200, 3);
  run('refresh');
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [BIN, 'build', '--out', out, ...args], { stdio: 'ignore' });
  await new Promise((ok) => {
    const poll = () => {
      try {
        // Part way in: after 1,000 file events (a few hundred files written).
        let events = 0;
        const w = watch(out, { recursive: true }, (type) => type === 'rename' && ++events >= 1000 && (w.close(), ok()));
      } catch {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
  const t = performance.now();
  child.kill('SIGTERM');
  const code = await new Promise((ok) => child.on('exit', (c, s) => ok(c ?? s)));
  const took = (performance.now() - t) / 1000;
  const left = written(out);
  console.log(
    `\nSIGTERM during build of 3,200 articles: exited ${code} ${took.toFixed(2)} s after it, ${left.count} files written, ${left.temps} .tmp left`,
  );
  console.log(`target < 2 s, no .tmp: ${met(took < 2 && left.temps === 0)}`);
}

// 5. Documents built to be slow, parsed in a worker (the build's own WorkerPool and parser).
{
  const { WorkerPool } = await import('../../dist/work/pool.js');
  const { stage } = await import('../../dist/work/stage-call.js');
  const { parseFeed } = await import('../../dist/parse/parse-feed.js');
  const pool = new WorkerPool();
  const aLtP = (kib) =>
    Buffer.from(
      `<rss version="2.0"><channel><title>t</title><item><title>x</title><description>${'a&lt;p'.repeat((kib * 1024) / 6)}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${'a&lt;p'.repeat((kib * 1024) / 6)}</content:encoded></item></channel></rss>`,
    );
  const parseInWorker = (bytes) =>
    pool.run(
      [stage('parseFeed'), stage('identify', {}), stage('normalize', { now: new Date() }), stage('fingerprint')],
      { bytes, doc: {} },
    );
  const deep = Buffer.from(
    `<feed xmlns="http://www.w3.org/2005/Atom"><title>Deep</title><entry><id>2</id><title>deep</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${'<b>'.repeat(100_000)}core${'</b>'.repeat(100_000)}</div></content></entry></feed>`,
  );
  const laughs = readFileSync(resolve(here, '../fixtures/quirks/billion-laughs.xml'));
  await parseInWorker(aLtP(1)); // the worker started and warm: not what is measured
  const timed = async (name, run) => {
    const t = performance.now();
    await run();
    const ms = performance.now() - t;
    console.log(`${name}: ${ms.toFixed(0)} ms (target < 1 s) ${met(ms < 1000)}`);
  };
  console.log('\ndocuments built to be slow:');
  await timed('120 KB of "a<p", parsed and normalized in a worker', () => parseInWorker(aLtP(60)));
  await timed('100,000 nested XHTML elements, parsed', () => parseFeed(deep));
  await timed('the billion laughs, parsed', () => parseFeed(laughs));
  let worst = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last - 10);
    last = t;
  }, 10);
  const t = performance.now();
  await parseInWorker(aLtP(5 * 1024));
  clearInterval(tick);
  console.log(
    `10 MiB of "a<p" in a worker: ${(performance.now() - t).toFixed(0)} ms; the event loop's longest pause meanwhile ${worst.toFixed(0)} ms (target < 100 ms) ${met(worst < 100)}`,
  );
  await pool.close();
}

// 6. The daemon under 10,000 distinct query strings.
{
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-queries-'));
  mkdirSync(join(dir, 'seeds'));
  writeFileSync(
    join(dir, 'tidings.yaml'),
    'schedule: "0 0 1 1 *"\nsources:\n  - {name: s, type: seeds, path: seeds}\n',
  );
  for (let i = 0; i < 50; i += 1)
    writeFileSync(
      join(dir, 'seeds', `${i}.txt`),
      `${`Paragraph ${i} of a story that goes on for a while. `.repeat(40)}\n2024-01-01 00:${String(i).padStart(2, '0')}:00\n#story #topic${i % 10}\n`,
    );
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const origin = await new Promise((ok) => {
    let out = '';
    const look = (d) => {
      out += d;
      const m = /serving (http:\/\/[\d.:]+)\//.exec(out);
      if (m && /refreshed 1 source /.test(out)) ok(m[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const get = (url) =>
    new Promise((ok, fail) => {
      const req = httpRequest(
        url,
        { agent, headers: { 'accept-encoding': 'gzip' } },
        (res) => (res.resume(), res.on('end', () => ok(res.statusCode))),
      );
      req.on('error', fail);
      req.end();
    });
  const residentKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]);
  const paths = [
    '/all.rss',
    '/all.atom',
    '/all.json',
    '/sources/s.rss',
    ...Array.from({ length: 10 }, (_, t) => `/tags/topic${t}.atom`),
  ];
  for (const p of paths) await get(`${origin}${p}`); // warm: the feeds rendered once
  const before = residentKb();
  let ok = 0;
  for (let i = 0; i < 10_000; i += 50) {
    const batch = Array.from(
      { length: 50 },
      (_, j) => `${origin}${paths[(i + j) % paths.length]}?limit=${1 + ((i + j) % 199)}&n=${i + j}`,
    );
    ok += (await Promise.all(batch.map(get))).filter((s) => s === 200).length;
  }
  const after = residentKb();
  agent.destroy();
  child.kill('SIGTERM');
  const grew = (after - before) / 1024;
  console.log(
    `\n10,000 distinct query strings (${ok} answered 200): resident ${Math.round(before / 1024)} → ${Math.round(after / 1024)} MB, grew ${grew.toFixed(1)} MB (target < 64 MB) ${met(grew < 64 && ok === 10_000)}`,
  );
}
