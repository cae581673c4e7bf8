// Ingest benchmarks. Each figure is printed beside its baseline from the same run:
//  1. 100,000 generated articles (about 2 KB, 1,000 sources, 5% exact and 5% near duplicates)
//     through parse, normalize, dedupe and store: with stories and events on, with events off,
//     and with both off.
//  2. The whole path from feed bytes on RSS 2.0 and Atom documents of 50 and 2,000 items of about
//     7 KB, beside bare rss-parser parseString on the same documents: the first fetch (every item
//     new, into a fresh database) and the next (a tenth of the items new), both sides warmed up.
//   node tests/bench/ingest.mjs [--articles 100000] [--repeat 2] [--only dedupe|path]
//   (BENCH_NODE_ARGS="--cpu-prof ..." passes node options to the dedupe runs, for profiling.)
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { feedEntries, paragraph, random, renderFeed, sentence } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (p) => pathToFileURL(resolve(here, '../../dist', p)).href;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ARTICLES = Number(arg('--articles', 100_000));
const ONLY = arg('--only', '');
const REPEAT = Number(arg('--repeat', 2));
const SOURCES = 1000;
const PER_SOURCE = ARTICLES / SOURCES;
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function writeSources(dir) {
  const made = [];
  const start = Date.UTC(2025, 0, 1);
  let exact = 0;
  let near = 0;
  for (let s = 0; s < SOURCES; s += 1) {
    const items = [];
    for (let i = 0; i < PER_SOURCE; i += 1) {
      const n = s * PER_SOURCE + i;
      const roll = random();
      let a;
      if (made.length > 100 && roll < 0.05) {
        a = { ...made[Math.floor(random() * made.length)] }; // the same story, word for word
        exact += 1;
      } else if (made.length > 100 && roll < 0.1) {
        const o = made[Math.floor(random() * made.length)]; // lightly edited: a new first sentence, one paragraph less
        a = { ...o, title: `${o.title} (update)`, paragraphs: [sentence(), ...o.paragraphs.slice(0, -1)] };
        near += 1;
      } else {
        // Fresh text for every story: unrelated stories share no paragraphs, as in real feeds.
        a = {
          title: sentence(9).slice(0, -1),
          paragraphs: Array.from({ length: 5 }, () => paragraph(380)),
          published: start + n * 20_000,
        };
        made.push(a);
      }
      const html = a.paragraphs.map((p) => `<p>${p}</p>`).join('');
      items.push(
        `<item><title>${esc(a.title)}</title><link>https://s${s}.example/${i}</link><guid>s${s}-${i}</guid><pubDate>${new Date(a.published + 3_600_000).toUTCString()}</pubDate><category>topic${s % 50}</category><description>${esc(html)}</description></item>`,
      );
    }
    writeFileSync(
      join(dir, `s${s}.xml`),
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Source ${s}</title><link>https://s${s}.example/</link><description>d</description>${items.join('')}</channel></rss>`,
    );
  }
  const config = `fetch: {concurrency: 4}\nsources:\n${Array.from({ length: SOURCES }, (_, s) => `  - {name: s${s}, type: file, path: s${s}.xml}`).join('\n')}\n`;
  writeFileSync(join(dir, 'on.yaml'), config);
  writeFileSync(join(dir, 'off.yaml'), `dedupe: {crossSource: false, events: {enabled: false}}\n${config}`);
  writeFileSync(join(dir, 'no-events.yaml'), `dedupe: {events: {enabled: false}}\n${config}`);
  return { exact, near };
}

// One variant in its own process: a fresh database and a clean peak-memory figure.
async function child(dir, variant) {
  const { parseConfig } = await import(dist('config/load-config.js'));
  const { refreshAll } = await import(dist('refresh-all.js'));
  const { openStore } = await import(dist('store/open-store.js'));
  const { silentLogger } = await import(dist('log.js'));
  const { WorkerPool } = await import(dist('work/pool.js'));
  const file = join(dir, `${variant}.yaml`);
  const config = parseConfig(readFileSync(file, 'utf8'), file);
  // A fresh database for every run.
  const db = join(dir, `${variant}-${process.pid}.db`);
  const store = await openStore(db);
  const work = new WorkerPool();
  let done = 0;
  const marks = [];
  const started = performance.now();
  await refreshAll(
    { config, store, work, log: silentLogger },
    {
      onResult: (r) => {
        if (r.error) console.error(r.source, r.error);
        done += r.new + r.updated + r.unchanged;
        marks.push([done, performance.now() - started]);
      },
    },
  );
  // Pages still in the write-ahead log are part of the cost: write them to the database file too.
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const seconds = (performance.now() - started) / 1000;
  const at = (n) => marks.find(([count]) => count >= n) ?? marks.at(-1);
  const [n1, t1] = at(ARTICLES / 10);
  const [n9, t9] = at((ARTICLES * 9) / 10);
  const [nAll, tAll] = marks.at(-1);
  const merged = store.db.prepare('SELECT count(*) FROM articles WHERE is_canonical = 0').pluck().get();
  const events = store.db.prepare('SELECT count(*) FROM events WHERE size > 1').pluck().get();
  console.log(
    JSON.stringify({
      articles: await store.count('articles'),
      seconds,
      rate: (await store.count('articles')) / seconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      firstMsPerArticle: t1 / n1,
      lastMsPerArticle: (tAll - t9) / (nAll - n9),
      merged,
      events,
    }),
  );
  await store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  await work.close();
}

async function feedPath() {
  const Parser = (await import('rss-parser')).default;
  const { WorkerPool } = await import(dist('work/pool.js'));
  const { openStore } = await import(dist('store/open-store.js'));
  const { parseConfig } = await import(dist('config/load-config.js'));
  const { refreshAll } = await import(dist('refresh-all.js'));
  const { silentLogger } = await import(dist('log.js'));
  const work = new WorkerPool();
  const parser = new Parser();
  const bare = async (texts) => {
    const t = performance.now();
    for (const text of texts) await parser.parseString(text);
    return performance.now() - t;
  };
  // Each document is a remote feed served from this process on 127.0.0.1, and refreshAll refreshes
  // them all at once (fetch, then parse and normalize in the workers, each source stored in its own
  // transaction): the whole path a refresh takes, the document's URL as the base of its links.
  // Known entries are skipped.
  const served = new Map();
  const server = createServer((req, res) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(served.get(req.url)),
  );
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const ours = async (store, dir, bytes) => {
    bytes.forEach((b, d) => served.set(`/f${d}.xml`, b));
    const yaml = `fetch: {concurrency: 64, perHost: 16, allowPrivateNetworks: true, maxBodySize: 64MiB}\nsources:\n${bytes.map((_, d) => `  - {name: f${d}, type: feed, url: "${origin}/f${d}.xml"}`).join('\n')}\n`;
    const config = parseConfig(yaml, join(dir, 'tidings.yaml'));
    const t = performance.now();
    const results = await refreshAll({ config, store, work, log: silentLogger });
    for (const r of results) if (r.error) console.error(r.source, r.error);
    return performance.now() - t;
  };
  const rows = [];
  for (const format of ['rss', 'atom']) {
    for (const [items, docs] of [
      [50, 40],
      [2000, 1],
    ]) {
      const start = (d) => Date.UTC(2025, 0, 1) + d * 86_400_000;
      const first = Array.from({ length: docs }, (_, d) => feedEntries(items, start(d)));
      // The next fetch of each document: a tenth of its items are new, the oldest tenth has gone.
      const fresh = Math.round(items / 10);
      const next = first.map((entries, d) => [
        ...feedEntries(fresh, start(d) + items * 60_000),
        ...entries.slice(0, items - fresh),
      ]);
      const texts = first.map((entries, d) => renderFeed(format, entries, start(d)));
      const nextTexts = next.map((entries, d) => renderFeed(format, entries, start(d)));
      const run = async (bytes, again) => {
        const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-path-'));
        const store = await openStore(join(dir, 't.db'));
        const ms = [await ours(store, dir, bytes)];
        if (again) ms.push(await ours(store, dir, again));
        await store.close();
        rmSync(dir, { recursive: true, force: true });
        return ms;
      };
      const bytes = texts.map((t) => Buffer.from(t));
      const nextBytes = nextTexts.map((t) => Buffer.from(t));
      // Warm up both sides (the JIT, the workers) on the same documents, untimed.
      await bare(texts);
      await run(bytes);
      const rate = (ms) => (items * docs) / (ms / 1000);
      const [firstMs, nextMs] = await run(bytes, nextBytes);
      const bareFirst = rate(await bare(texts));
      const bareNext = rate(await bare(nextTexts));
      const row = (fetch, b, o) => ({
        format,
        items_per_doc: items,
        docs,
        fetch,
        KB_per_item: Math.round(bytes[0].length / items / 1024),
        bare_items_s: Math.round(b),
        tidings_items_s: Math.round(o),
        ratio: (o / b).toFixed(2),
      });
      rows.push(row('first (all new)', bareFirst, rate(firstMs)), row(`next (${fresh} new)`, bareNext, rate(nextMs)));
    }
  }
  await work.close();
  server.close();
  return rows;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  if (ONLY !== 'path') await dedupeBench();
  if (ONLY !== 'dedupe') await pathBench();
}

async function dedupeBench() {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-ingest-'));
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${ARTICLES} articles in ${SOURCES} feed files…`);
  const { exact, near } = writeSources(dir);
  console.log(`${exact} exact and ${near} near duplicates (${((100 * (exact + near)) / ARTICLES).toFixed(1)}%)`);
  // Runs alternate (off, on, off, on…) so that a slow spell of the machine hits both variants; the
  // verdicts use the totals over all runs.
  const runs = [];
  for (let i = 0; i < REPEAT; i += 1) {
    for (const variant of ['off', 'no-events', 'on']) {
      const run = spawnSync(
        process.execPath,
        [
          ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
          fileURLToPath(import.meta.url),
          '--child',
          dir,
          variant,
          '--articles',
          String(ARTICLES),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      runs.push({ variant, ...JSON.parse(run.stdout.trim().split('\n').at(-1)) });
    }
  }
  const row = (r) => ({
    dedupe: r.variant,
    articles: r.articles,
    seconds: r.seconds.toFixed(1),
    articles_s: Math.round(r.rate),
    peak_rss_MB: Math.round(r.peakRssMB),
    first_10pct_ms: r.firstMsPerArticle.toFixed(3),
    last_10pct_ms: r.lastMsPerArticle.toFixed(3),
    last_vs_first: (r.lastMsPerArticle / r.firstMsPerArticle).toFixed(2),
    merged: r.merged,
    events: r.events,
  });
  console.table(runs.map(row));
  const sum = (variant, f) => runs.filter((r) => r.variant === variant).reduce((a, r) => a + f(r), 0);
  const overhead = sum('on', (r) => r.seconds) / sum('off', (r) => r.seconds) - 1;
  console.log(
    `dedupe adds ${(overhead * 100).toFixed(1)}% to the ingest time over ${REPEAT} runs each (target < 30%) ${overhead < 0.3 ? 'met' : 'MISSED'}`,
  );
  const events = sum('on', (r) => r.seconds) / sum('no-events', (r) => r.seconds) - 1;
  console.log(
    `events add ${(events * 100).toFixed(1)}% to the ingest time with stories on (target ≤ 15%) ${events <= 0.15 ? 'met' : 'MISSED'}`,
  );
  const growth = sum('on', (r) => r.lastMsPerArticle) / sum('on', (r) => r.firstMsPerArticle);
  console.log(
    `last 10% cost ${growth.toFixed(2)}× per article what the first 10% did (target ≤ 1.5) ${growth <= 1.5 ? 'met' : 'MISSED'}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function pathBench() {
  console.log(
    '\nfrom feed bytes (decode, parse, normalize, sanitize, dedupe, store) beside bare rss-parser parseString:',
  );
  const rows = await feedPath();
  console.table(rows);
  for (const r of rows)
    console.log(
      `${r.format} ${r.items_per_doc} items, ${r.fetch}: ${r.ratio}× the bare parse rate (target ≥ 0.4) ${Number(r.ratio) >= 0.4 ? 'met' : 'MISSED'}`,
    );
}
