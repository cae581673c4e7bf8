// A million articles: a SQLite database built through the store's own write path (storeEntries:
// plan, the story rules over the near-duplicate index, the articles' rows, tags, FTS5), from a
// streaming generator that holds one batch at a time. Printed beside their bars:
//  1. ingest cost per article of the last 10% beside the first 10% (bar ≤ 1.5×);
//  2. at 10k, 100k and 1M articles: `tidings articles --limit 1` start to exit (beside node -e 0),
//     the river (50 stories: the first page and page 100), a tag's page, and searches (two common
//     words by rank and newest first, two rare words by rank).
// The articles are short (a headline, two to four sentences, two tags), as in a feed of 100,000
// short items; 5% are exact and 5% near copies of a recent one. Parsing and normalizing are left
// out (the articles' fingerprints are made here, outside the timed part): their cost per article
// does not grow with the database.
//   node tests/bench/million.mjs [--size 1000000] [--batch 1000] [--keep DIR]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { random } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../bin/tidings.js');
const dist = (p) => import(pathToFileURL(resolve(here, '../../dist', p)).href);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SIZE = Number(arg('--size', 1_000_000));
const BATCH = Number(arg('--batch', 1000));
const SOURCES = 200;
const CHECKPOINTS = [10_000, 100_000, 1_000_000].filter((n) => n < SIZE).concat(SIZE);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const verdict = (ok) => (ok ? 'met' : 'MISSED');

const { storeEntries } = await dist('refresh.js');
const { fingerprint } = await dist('dedupe/fingerprint.js');
const { parseConfig } = await dist('config/load-config.js');
const { openStore } = await dist('store/open-store.js');

const keep = arg('--keep', '');
const dir = keep || mkdtempSync(join(tmpdir(), 'tidings-bench-million-'));
mkdirSync(dir, { recursive: true });
const file = join(dir, 'million.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
const names = Array.from({ length: SOURCES }, (_, s) => `s${s}`);
const configText = `sources:\n${names.map((n) => `  - {name: ${n}, type: file, path: ${n}.xml}`).join('\n')}\n`;
writeFileSync(join(dir, 'tidings.yaml'), configText);
const { dedupe } = parseConfig(configText, join(dir, 'tidings.yaml'));

// Words of a vocabulary of 200,000, drawn about as often as words of English are (Zipf: the word
// of rank r about 1/r as often as the first): unrelated headlines and texts share few words.
const wordAt = (rank) => {
  let w = '';
  for (let n = rank; n > 0; n = Math.floor(n / 20)) w += 'aeioubcdfghklmnprstv'[n % 20];
  return w || 'a';
};
const word = () => wordAt(Math.floor(200_000 ** random()));
/** A headline's words leave out the 100 commonest, as headlines leave out "the", "of" and "to". */
const headline = () => Array.from({ length: 9 }, () => wordAt(Math.floor(100 * 2000 ** random()))).join(' ');
// Searches: two words that about one article in 10 has each, and one word that one in 400 has.
const COMMON = `${wordAt(50)} ${wordAt(60)}`;
const RARE = wordAt(3000);
const sentence = (n = 12 + Math.floor(random() * 10)) => `${Array.from({ length: n }, word).join(' ')}.`;

// The generator: article n of the run, published a minute after n - 1. Only the last 500
// originals are kept, for the copies to copy: memory holds a batch, not the run.
const START = Date.UTC(2024, 0, 1);
const recent = [];
function article(n) {
  const roll = random();
  let a;
  if (recent.length > 100 && roll < 0.05) a = recent[Math.floor(random() * recent.length)];
  else if (recent.length > 100 && roll < 0.1) {
    const o = recent[Math.floor(random() * recent.length)];
    a = { ...o, title: `${o.title} (update)`, paragraphs: [sentence(), ...o.paragraphs.slice(1)] };
  } else {
    a = {
      title: headline(),
      paragraphs: Array.from({ length: 2 + Math.floor(random() * 3) }, () => sentence()),
      tag: `topic${n % 400}`,
    };
    recent.push(a);
    if (recent.length > 500) recent.shift();
  }
  const text = a.paragraphs.join('\n');
  const link = `https://bench.example/${n}`;
  return {
    identity: link,
    title: a.title,
    link,
    published: new Date(START + n * 60_000),
    summary: a.paragraphs[0],
    content: a.paragraphs.map((p) => `<p>${p}</p>`).join(''),
    text,
    tags: [
      { slug: a.tag, label: a.tag },
      { slug: `desk${n % 7}`, label: `Desk ${n % 7}` },
    ],
    enclosures: [],
    contentHash: `h${n}`,
    fingerprint: fingerprint(a.title, text),
  };
}

const store = await openStore(file);
const now = new Date(START);
for (const [i, name] of names.entries())
  await store.upsertSource({ name, type: 'file', location: `${name}.xml` }, now, i);

async function timed(fn, runs = 5) {
  const ms = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return +median(ms).toFixed(1);
}

function spawnMs(args) {
  const t = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')}: ${run.stderr}`);
  return performance.now() - t;
}

/** Latencies at this size: the CLI start to exit (median of 3), the river, a tag and searches (median of 5). */
async function latencies(size) {
  await store.flushSearch();
  const cliArgs = [BIN, 'articles', '--limit', '1', '--config', join(dir, 'tidings.yaml'), '--db', file];
  return {
    articles: size,
    cli_ms: Math.round(median([0, 1, 2].map(() => spawnMs(cliArgs)))),
    node_ms: Math.round(median([0, 1, 2].map(() => spawnMs(['-e', '0'])))),
    river_ms: await timed(() => store.articles({ stories: true, limit: 50 })),
    river_p100_ms: await timed(() => store.articles({ stories: true, limit: 50, offset: 4950 })),
    tag_ms: await timed(() => store.articles({ tag: 'topic7', limit: 50 })),
    common_rank_ms: await timed(() => store.filterArticles({ query: COMMON, order: 'rank', limit: 50 })),
    common_newest_ms: await timed(() => store.filterArticles({ query: COMMON, order: 'newest', limit: 50 })),
    rare_rank_ms: await timed(() => store.filterArticles({ query: RARE, order: 'rank', limit: 50 })),
  };
}

const perBatch = []; // ms per article of each batch: the store's time only
const rows = [];
const started = performance.now();
const elapsed = () => Math.round((performance.now() - started) / 1000);
const rssMB = () => Math.round(process.memoryUsage().rss / 1048576);
for (let n = 0, b = 0; n < SIZE; b += 1) {
  const count = Math.min(BATCH, SIZE - n);
  const entries = Array.from({ length: count }, (_, i) => article(n + i));
  const t = performance.now();
  const done = await storeEntries(store, names[b % SOURCES], entries, now, dedupe);
  perBatch.push((performance.now() - t) / count);
  if (done.new !== count) throw new Error(`batch ${b}: ${done.new} of ${count} stored`);
  n += count;
  if (CHECKPOINTS.includes(n)) {
    rows.push(await latencies(n));
    console.log(JSON.stringify({ ...rows.at(-1), elapsed_s: elapsed(), rss_MB: rssMB() }));
  } else if (b % 100 === 99)
    console.error(
      `${n.toLocaleString('en')} articles, ${elapsed()} s, rss ${rssMB()} MB, ${mean(perBatch.slice(-100)).toFixed(3)} ms per article stored over the last 100 batches`,
    );
}
const tenth = Math.max(1, Math.floor(perBatch.length / 10));
const deciles = Array.from({ length: 10 }, (_, d) => mean(perBatch.slice(d * tenth, (d + 1) * tenth)));
const first = deciles[0];
const last = mean(perBatch.slice(-tenth));
const found = (await store.filterArticles({ query: COMMON, limit: 1_000_000 })).length;
const merged = store.db.prepare('SELECT count(*) FROM articles WHERE is_canonical = 0').pluck().get();
const bytes = Number(spawnSync('du', ['-k', file], { encoding: 'utf8' }).stdout.split('\t')[0]) * 1024;
console.table(rows);
console.log(
  `${SIZE.toLocaleString('en')} articles (${merged.toLocaleString('en')} merged into others' stories; "${COMMON}" finds ${found.toLocaleString('en')}) in ${elapsed()} s, database ${Math.round(bytes / 1048576)} MB, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
);
console.log(`ms per article stored, by tenth of the run: ${deciles.map((d) => d.toFixed(3)).join(' ')}`);
const ratio = last / first;
console.log(
  `per-article ingest cost, last 10% of ${SIZE.toLocaleString('en')} beside the first 10%: ${last.toFixed(3)} ms vs ${first.toFixed(3)} ms: ${ratio.toFixed(2)}× (target ≤ 1.5) ${verdict(ratio <= 1.5)}`,
);
const top = rows.at(-1);
console.log(
  `tidings articles --limit 1 at ${top.articles.toLocaleString('en')} articles: ${top.cli_ms} ms beside node -e 0's ${top.node_ms} ms (target ≤ node + 100) ${verdict(top.cli_ms <= top.node_ms + 100)}`,
);
await store.close();
if (!keep) rmSync(dir, { recursive: true, force: true });
