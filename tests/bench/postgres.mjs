// PostgreSQL benchmarks, on a throwaway cluster of their own (tests/postgres-cluster.ts), or the
// server TIDINGS_TEST_PG names. Each figure is printed beside its baseline or bar from the same run:
//  1. 2,000 feeds served from 127.0.0.1 (on 50 ports, as 50 hosts for fetch.perHost), fetched by 1, 2 and 4 `tidings worker` processes on one
//     database: sources and articles per second, and sources fetched twice within their due
//     period (the bar: 0), beside the one-worker figures.
//  2. A worker killed (kill -9) while its fetches hang: time until another worker has fetched the
//     sources it held, when both ran on this host (its claims are taken over at once) and when the
//     killed one ran on another (a UTS namespace with another host name: after fetch.claimTimeout).
//  3. Two `tidings serve --no-ingest` on one database: time from a commit to the new ETag on both
//     (the bar: 2 s), and whether both give the same ETag.
//  4. The first refresh of 5 feeds × 1,000 items (about 7 KB) as a whole `tidings refresh` process,
//     into PostgreSQL beside SQLite, interleaved, median of 3 (no feed fetched twice, no article
//     twice, one canonical article a story); then, from one process, the share of ingest time spent
//     holding a lock that other ingests wait for, and the worker count Amdahl's law gives for it.
//   node --import tsx tests/bench/postgres.mjs [--feeds 2000] [--workers 1,2,4] [--only workers|kill|servers|ingest]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { feedDocument, feedEntries, renderFeed } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/tidings.js');
const dist = (p) => pathToFileURL(resolve(here, '../../dist', p)).href;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const FEEDS = Number(arg('--feeds', 2000));
const WORKERS = arg('--workers', '1,2,4').split(',').map(Number);
const ONLY = arg('--only', '');
const HOSTS = 50;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The server: TIDINGS_TEST_PG, or a cluster of our own for this run.
let admin = process.env.TIDINGS_TEST_PG;
let stopCluster = () => {};
if (!admin) {
  const { startCluster } = await import(pathToFileURL(resolve(here, '../postgres-cluster.ts')).href);
  const cluster = await startCluster();
  admin = cluster.url;
  stopCluster = cluster.stopSync;
  process.once('exit', stopCluster);
}
let databases = 0;
async function freshDatabase() {
  const name = `bench_${process.pid}_${++databases}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
async function query(url, sql, params = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A `tidings` process; resolves once it has said `ready` (a regular expression) on stdout. */
function tidings(args, { ready = /starting/, wrap = [] } = {}) {
  return new Promise((ok, fail) => {
    const argv = [...wrap, process.execPath, BIN, ...args];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise((done) => child.on('exit', (code, signal) => done(code ?? signal)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m) ok({ child, match: m, exited, output: () => out + err });
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => fail(new Error(`tidings ${args[0]} exited with ${code}: ${(out + err).slice(-2000)}`)));
  });
}
/** A `tidings` process run to its end; rejects with its output when it fails. */
function refreshProcess(args) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0 ? ok(out) : fail(new Error(`tidings ${args[0]} exited with ${code}: ${out.slice(-2000)}`)),
    );
  });
}
const stop = async (p) => {
  p.child.kill('SIGTERM');
  await p.exited;
};

/** Feeds on 127.0.0.1: each path its own feed; every request is counted, with its time. */
async function feedServer(render, { hang } = {}) {
  const hits = new Map();
  const bodies = new Map();
  const server = createServer((req, res) => {
    const list = hits.get(req.url) ?? [];
    list.push(performance.now());
    hits.set(req.url, list);
    const answer = () => {
      let body = bodies.get(req.url);
      if (!body) bodies.set(req.url, (body = Buffer.from(render(req.url))));
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(body);
    };
    if (hang?.(req.url, list.length)) req.socket.setTimeout(0);
    else answer();
  });
  // As many "hosts" as ports: fetch.perHost counts host and port, as it would count 50 sites.
  const servers = [server, ...Array.from({ length: HOSTS - 1 }, () => createServer(server.listeners('request')[0]))];
  await Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, '127.0.0.1', ok))));
  const origins = servers.map((s) => `http://127.0.0.1:${s.address().port}`);
  return {
    origin: (i) => origins[i % origins.length],
    hits,
    close: () => Promise.all(servers.map((s) => new Promise((ok) => (s.closeAllConnections(), s.close(ok))))),
  };
}

const feedsConfig = (dir, origin, feeds, fetch = '') => {
  const file = join(dir, 'tidings.yaml');
  writeFileSync(
    file,
    `# Every second a tick; a source is due again only after fetch.minInterval.
schedule: "* * * * * *"
fetch: {allowPrivateNetworks: true, concurrency: 16, minInterval: 10m${fetch}}
sources:
${Array.from({ length: feeds }, (_, i) => `  - {name: f${i}, type: feed, url: "${origin(i)}/f/${i}.xml"}`).join('\n')}
`,
  );
  return file;
};

// Ten items of about 1 KB per feed: a realistic small feed.
const small = (path) => {
  const n = Number(path.match(/\d+/)?.[0] ?? 0);
  const items = Array.from(
    { length: 10 },
    (_, i) =>
      `<item><title>Feed ${n} story ${i}</title><link>https://f${n}.example/${i}</link><guid>f${n}-${i}</guid><pubDate>${new Date(Date.UTC(2025, 0, 1) + (n * 10 + i) * 60_000).toUTCString()}</pubDate><description>${`Paragraph ${i} of feed ${n}, which says something of its own. `.repeat(16)}</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${n}</title><link>https://f${n}.example/</link><description>d</description>${items.join('')}</channel></rss>`;
};

async function workersBench() {
  console.log(`\n${FEEDS} feeds (10 items each) from 127.0.0.1, fetched by N workers on one PostgreSQL database:`);
  const rows = [];
  for (const n of WORKERS) {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-pg-'));
    const feeds = await feedServer(small);
    const config = feedsConfig(dir, feeds.origin, FEEDS);
    const url = await freshDatabase();
    await (await tidings(['doctor', '--config', config, '--db', url], { ready: /no problems/ })).exited; // the schema, before the race
    const workers = await Promise.all(
      Array.from({ length: n }, () => tidings(['worker', '--config', config, '--db', url])),
    );
    const fetched = async () =>
      Number((await query(url, 'SELECT count(*) AS n FROM sources WHERE last_success IS NOT NULL'))[0].n);
    const poll = async () => {
      for (;;) {
        if ((await fetched()) >= FEEDS) return;
        await sleep(100);
      }
    };
    await poll();
    const end = performance.now();
    const first = Math.min(...[...feeds.hits.values()].map((t) => t[0]));
    const seconds = (end - first) / 1000;
    // A few more ticks: a source fetched again within its due period would show now.
    await sleep(3000);
    const articles = Number((await query(url, 'SELECT count(*) AS n FROM articles'))[0].n);
    const twice = [...feeds.hits.values()].filter((t) => t.length > 1).length;
    await Promise.all(workers.map(stop));
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
    rows.push({
      workers: n,
      seconds: seconds.toFixed(1),
      sources_s: Math.round(FEEDS / seconds),
      articles_s: Math.round(articles / seconds),
      articles,
      fetched_twice: twice,
    });
  }
  const base = rows[0];
  for (const r of rows) r.vs_one_worker = (r.sources_s / base.sources_s).toFixed(2);
  console.table(rows);
  const twice = rows.reduce((a, r) => a + r.fetched_twice, 0);
  console.log(`sources fetched twice within their due period: ${twice} (bar: 0) ${twice === 0 ? 'met' : 'MISSED'}`);
}

async function killBench() {
  const SOURCES = 200;
  console.log(
    `\nkill -9 of a worker whose fetches hang (${SOURCES} sources; its requests are never answered), then a second worker:`,
  );
  const rows = [];
  for (const place of ['this host', 'another host']) {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-pg-'));
    // Every request before the second worker starts hangs: the first is stuck in those fetches when killed.
    let hanging = true;
    const feeds = await feedServer(small, { hang: () => hanging });
    const config = feedsConfig(dir, feeds.origin, SOURCES);
    const url = await freshDatabase();
    await (await tidings(['doctor', '--config', config, '--db', url], { ready: /no problems/ })).exited;
    // "Another host": the same machine, with another host name in a UTS namespace of its own.
    const wrap =
      place === 'another host' ? ['unshare', '--uts', 'sh', '-c', 'hostname tidings-elsewhere && exec "$0" "$@"'] : [];
    const victim = await tidings(['worker', '--config', config, '--db', url], { wrap });
    const pid = async () =>
      (await query(url, 'SELECT DISTINCT claim_pid FROM sources WHERE claimed_by IS NOT NULL'))[0]?.claim_pid;
    let held = [];
    for (let i = 0; i < 200 && held.length < 16; i += 1) {
      await sleep(100);
      held = (await query(url, 'SELECT name FROM sources WHERE claimed_by IS NOT NULL')).map((r) => r.name);
    }
    const victimPid = await pid();
    hanging = false;
    const survivor = await tidings(['worker', '--config', config, '--db', url]);
    await sleep(1500); // the survivor is ticking, and leaves the victim's claims alone
    const before = held.length;
    victim.child.kill('SIGKILL');
    const killed = performance.now();
    const fetchedAfter = async () =>
      Number(
        (
          await query(url, 'SELECT count(*) AS n FROM sources WHERE name = ANY($1) AND last_success IS NOT NULL', [
            held,
          ])
        )[0].n,
      );
    while ((await fetchedAfter()) < held.length && performance.now() - killed < 300_000) await sleep(100);
    const seconds = (performance.now() - killed) / 1000;
    const done = await fetchedAfter();
    await stop(survivor);
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
    rows.push({
      killed_on: place,
      claimed: before,
      victim_pid: victimPid,
      refetched: done,
      seconds_until_all_refetched: seconds.toFixed(1),
      bar: place === 'this host' ? 'at once' : 'fetch.claimTimeout (2 min) + a tick',
    });
  }
  console.table(rows);
}

async function serversBench() {
  const ROUNDS = 10;
  console.log(
    `\ntwo servers (serve --no-ingest) on one database, a commit, then /all.rss on both until the ETag changes (${ROUNDS} rounds):`,
  );
  const { parseConfig } = await import(dist('config/load-config.js'));
  const { refreshAll } = await import(dist('refresh-all.js'));
  const { openStore } = await import(dist('store/open-store.js'));
  const { silentLogger } = await import(dist('log.js'));
  const { WorkerPool } = await import(dist('work/pool.js'));
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-pg-'));
  const file = join(dir, 'tidings.yaml');
  writeFileSync(file, 'schedule: "0 0 1 1 *"\nsources:\n  - {name: notes, type: file, path: notes.xml}\n');
  const entries = feedEntries(30);
  const write = (k) => writeFileSync(join(dir, 'notes.xml'), renderFeed('rss', entries.slice(0, k)));
  write(10);
  const url = await freshDatabase();
  const store = await openStore(url);
  const work = new WorkerPool();
  const config = parseConfig(await import('node:fs').then((fs) => fs.readFileSync(file, 'utf8')), file);
  await refreshAll({ config, store, work, log: silentLogger });
  const servers = await Promise.all(
    [0, 1].map(() =>
      tidings(['serve', '--no-ingest', '--port', '0', '--config', file, '--db', url], {
        ready: /serving (http:\/\/\S+)\//m,
      }),
    ),
  );
  const origins = servers.map((s) => s.match[1]);
  const etag = async (origin) =>
    (await fetch(`${origin}/all.rss`, { headers: { 'accept-encoding': 'gzip' } })).headers.get('etag');
  const lags = [];
  let same = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const old = await Promise.all(origins.map(etag));
    write(11 + round);
    await refreshAll({ config, store, work, log: silentLogger });
    const committed = performance.now();
    const seen = await Promise.all(
      origins.map(async (origin, i) => {
        for (;;) {
          const now = await etag(origin);
          if (now !== old[i]) return { at: performance.now() - committed, now };
          if (performance.now() - committed > 10_000) return { at: Infinity, now };
          await sleep(5);
        }
      }),
    );
    lags.push(Math.max(...seen.map((s) => s.at)));
    if (seen[0].now === seen[1].now) same += 1;
    await sleep(300);
  }
  await Promise.all(servers.map(stop));
  await store.close();
  await work.close();
  rmSync(dir, { recursive: true, force: true });
  const worst = Math.max(...lags);
  console.table([
    {
      rounds: ROUNDS,
      median_ms: Math.round(median(lags)),
      worst_ms: Math.round(worst),
      same_etag_on_both: `${same} of ${ROUNDS}`,
    },
  ]);
  console.log(
    `commit → new ETag on both servers, worst ${Math.round(worst)} ms (bar: 2,000 ms) ${worst <= 2000 && same === ROUNDS ? 'met' : 'MISSED'}`,
  );
}

/** Amdahl's law for a serialised share `s` of each worker's time: the ceiling on the speed-up, and the worker count at half of it. */
const amdahl = (s) =>
  s <= 0 ? { ceiling: Infinity, knee: Infinity } : { ceiling: 1 / s, knee: Math.max(1, Math.round((1 - s) / s)) };

async function ingestBench() {
  console.log(
    '\n5 feeds × 1,000 items (about 7 KB) served from 127.0.0.1, first refresh into a fresh database as a whole `tidings refresh` process, PostgreSQL beside SQLite (median of 3, interleaved):',
  );
  const { parseConfig } = await import(dist('config/load-config.js'));
  const { refreshAll } = await import(dist('refresh-all.js'));
  const { openStore } = await import(dist('store/open-store.js'));
  const { silentLogger } = await import(dist('log.js'));
  const { WorkerPool } = await import(dist('work/pool.js'));
  const docs = Array.from({ length: 5 }, (_, d) =>
    Buffer.from(feedDocument('rss', 1000, Date.UTC(2025, 0, 1) + d * 86_400_000)),
  );
  const hits = new Map();
  const server = createServer((req, res) => {
    hits.set(req.url, (hits.get(req.url) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(docs[Number(req.url.match(/\d+/)[0])]);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-pg-'));
  const text = `fetch: {concurrency: 8, allowPrivateNetworks: true, maxBodySize: 64MiB}\nsources:\n${docs.map((_, d) => `  - {name: f${d}, type: feed, url: "${origin}/f${d}.xml"}`).join('\n')}\n`;
  const file = join(dir, 'tidings.yaml');
  writeFileSync(file, text);
  const config = parseConfig(text, file);
  /** Duplicate articles (one source and identity twice) and stories with more than one canonical article. */
  const duplicates = async (location) => {
    const store = await openStore(location);
    const n = await store.count('articles');
    const groups = await store.duplicateGroups();
    const canonical = groups.filter((g) => g.members.filter((m) => m.link.canonical).length !== 1).length;
    const ids = new Set((await store.articles()).map((a) => `${a.source}\0${a.identity}`));
    await store.close();
    return { articles: n, duplicates: n - ids.size + canonical };
  };
  const once = async (location) => {
    hits.clear();
    const t = performance.now();
    await refreshProcess(['refresh', '--config', file, '--db', location]);
    const ms = performance.now() - t;
    const { articles, duplicates: dups } = await duplicates(location);
    const twice = [...hits.values()].filter((n) => n > 1).length;
    return { rate: articles / (ms / 1000), articles, dups, twice };
  };
  await once(join(dir, 'warm.db')); // the disk cache, untimed
  const runs = { sqlite: [], postgres: [] };
  for (let i = 0; i < 3; i += 1) {
    runs.sqlite.push(await once(join(dir, `t${i}.db`)));
    runs.postgres.push(await once(await freshDatabase()));
  }
  // The serialised share, from inside one process: time holding the lock other ingests wait for, of all ingest time.
  const work = new WorkerPool();
  const store = await openStore(await freshDatabase());
  await refreshAll({ config, store, work, log: silentLogger });
  // (A store without lockTimes, as before this bench measured it, prints NaN.)
  const { ingestMs, heldMs, ingests } = store.lockTimes ?? { ingestMs: NaN, heldMs: NaN, ingests: 0 };
  await store.close();
  await work.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = (list) => median(list.map((r) => r.rate));
  const [s, p] = [rate(runs.sqlite), rate(runs.postgres)];
  const row = (name, list) => ({
    store: name,
    items_s: Math.round(rate(list)),
    runs: list.map((r) => Math.round(r.rate)).join(' '),
    articles: list.map((r) => r.articles).join(' '),
    duplicates: list.reduce((a, r) => a + r.dups, 0),
    fetched_twice: list.reduce((a, r) => a + r.twice, 0),
  });
  console.table([row('sqlite', runs.sqlite), { ...row('postgres', runs.postgres), vs_sqlite: (p / s).toFixed(2) }]);
  console.log(`PostgreSQL ingest vs SQLite: ${(p / s).toFixed(2)}× (bar: 0.8) ${p / s >= 0.8 ? 'met' : 'MISSED'}`);
  const share = heldMs / ingestMs;
  const { ceiling, knee } = amdahl(share);
  console.log(
    `serialised share of ingest time (holding the story lock or the change row, ${ingests} ingests, ${Math.round(ingestMs)} ms in all): ${(share * 100).toFixed(1)}% (bar: 5%) ${share <= 0.05 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `Amdahl: at most ${ceiling.toFixed(1)}× one worker's ingest; past about ${knee} workers, more workers add less than half of what the first ones did`,
  );
  return { share };
}

try {
  if (!ONLY || ONLY === 'workers') await workersBench();
  if (!ONLY || ONLY === 'kill') await killBench();
  if (!ONLY || ONLY === 'servers') await serversBench();
  if (!ONLY || ONLY === 'ingest') await ingestBench();
} finally {
  stopCluster();
}
