// Whole sites built through the CLI (refresh, then build --out), checked file by file: the W3C
// feed validator's own code (../shared/tools/validate-feeds.py, run offline) finds no error in any
// RSS or Atom file, every JSON Feed is JSON Feed 1.1 as Tidings writes it, and no file holds a
// character no feed may carry. The sites: the bundled samples, every document of the feedparser
// corpus, every hostile fixture under tests/fixtures, and values no normalizer lets through today
// stored straight into the database (as older versions stored them), and the feeds of searches and
// filters the daemon renders on request (/search.rss?q=…, /all.atom?tag=a,b&not=word).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { Entry } from '../../src/model.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { storeEntries } from '../../src/refresh.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import { FIXTURES, finished, runCli, SHARED, tempDir } from '../helpers.js';

const PYTHON = '/usr/bin/python3';
const VALIDATOR = join(SHARED, 'tools/validate-feeds.py');
const CORPUS = join(SHARED, 'corpus/feedparser');
const SAMPLES = resolve(__dirname, '../../feeds/tidings.yaml');
const BASE_URL = 'http://localhost:8080'; // the validator's default base: self links match

/** Why the validator cannot run here, or '' when it can. */
function validatorSkipReason(): string {
  if (!existsSync(VALIDATOR)) return `${relative(process.cwd(), VALIDATOR)} is absent`;
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      'import importlib.util as u, sys; print(" ".join(m for m in sys.argv[1:] if u.find_spec(m) is None))',
      'libxml2',
      'rdflib',
      'html5lib',
      'lxml',
    ],
    { encoding: 'utf8' },
  );
  if (probe.error || probe.status !== 0)
    return `${PYTHON} does not run: ${probe.error?.message ?? probe.stderr.trim()}`;
  const missing = probe.stdout.trim().split(/\s+/).filter(Boolean);
  return missing.length
    ? `${PYTHON} lacks ${missing.join(', ')}: apt-get install python3-libxml2 python3-rdflib python3-html5lib python3-lxml`
    : '';
}
const VALIDATOR_SKIP = validatorSkipReason();
const HAS_CORPUS = existsSync(join(CORPUS, 'manifest.jsonl'));

// The sites are large (the corpus's is 3,000 files): their folders go at the end.
const folders: string[] = [];
const folder = () => {
  const dir = tempDir();
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const filesUnder = (dir: string, pattern: RegExp) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();

/** A configuration reading each feed file as a `file` source and each folder of seed documents as a `seeds` source. */
function configOf(title: string, root: string): string {
  const feeds = filesUnder(root, /\.(xml|rss|atom|rdf|json)$/);
  const seedFolders = [...new Set(filesUnder(root, /\.txt$/).map((f) => resolve(f, '..')))];
  const sources = [
    ...feeds.map((path, i) => ({ name: `file-${i}`, type: 'file', path })),
    ...seedFolders.map((path, i) => ({ name: `seeds-${i}`, type: 'seeds', path })),
  ];
  const file = join(folder(), 'tidings.yaml');
  writeFileSync(file, stringify({ site: { title, baseUrl: BASE_URL }, sources }));
  return file;
}

/** refresh, then build: the folder built. The build must succeed whatever the sources held. */
async function buildSite(config: string, db = join(folder(), 'site.db')): Promise<string> {
  const args = ['--config', config, '--db', db];
  const refresh = await runCli(['refresh', ...args]);
  expect(refresh.code, refresh.err).toBeLessThan(2); // 1: a source failed, as hostile ones do
  const out = join(folder(), 'out');
  const build = await runCli(['build', '--out', out, ...args]);
  expect(build.code, build.err).toBe(0);
  return out;
}

// Entries as an older normalizer stored them, or a hand-edited database holds them.
const raw = (n: number, over: Partial<Entry>): Entry =>
  finished({
    identity: `raw-${n}`,
    title: `Raw ${n}`,
    published: new Date(Date.UTC(2024, 0, n)),
    summary: 'Summary',
    content: '<p>Body</p>',
    tags: [],
    enclosures: [],
    ...over,
  });
const STORED: Entry[] = [
  raw(1, {
    title: '',
    summary: '',
    link: 'not a url',
    author: 'Ann \u0000\u009c \ud800Author',
    tags: [
      'a\u0000b',
      'x\u0001y',
      'x\ufffey',
      '\ud800',
      'a/b',
      '..',
      'x'.repeat(300),
      'television-&-radio',
      'q&a-#1?',
    ].map((slug) => ({ slug, label: slug })),
    content: '<p>Bell \u0007 <a href="other.html">relative</a> <img src="/i.png"></p>',
  }),
  raw(2, {
    title: '\u0001\u0085 ',
    link: 'javascript:alert(1)',
    summary: 'Stands in for the title. Then more.',
    enclosures: [
      { url: 'https://cdn.example.org/a.mp3' },
      { url: 'https://cdn.example.org/get?id=2', type: 'audio/mpeg\u0001' },
      { url: 'not a url', type: 'audio/mpeg' },
    ],
  }),
];

async function storedSite(): Promise<string> {
  const dir = folder();
  const config = join(dir, 'tidings.yaml');
  writeFileSync(
    config,
    stringify({
      site: { title: 'Stored', baseUrl: BASE_URL },
      sources: [{ name: 'old', type: 'seeds', path: 'none' }],
    }),
  );
  const store = await openStore(join(dir, 'site.db'));
  try {
    await store.upsertSource({ name: 'old', type: 'seeds', location: 'none' }, new Date(), 0);
    await storeEntries(store, 'old', STORED, new Date('2024-02-01T00:00:00Z'));
  } finally {
    await store.close();
  }
  const out = join(folder(), 'out');
  const build = await runCli(['build', '--out', out, '--config', config, '--db', join(dir, 'site.db')]);
  expect(build.code, build.err).toBe(0);
  return out;
}

const QUERIES = [
  'search?q=tram',
  'search?q=flood&tag=riverside',
  'all?tag=local,transit&not=bus',
  'all?not=glacier',
  'tags/riverside?q=barrier',
  'sources/wire?q=glacier OR tram',
  'search?q=otters',
];

/** The bundled samples' feeds of searches and filters, as the daemon renders them, each written to a file. */
async function querySite(): Promise<string> {
  const db = join(folder(), 'site.db');
  await buildSite(SAMPLES, db);
  const out = join(folder(), 'out');
  mkdirSync(out);
  const store = await openStore(db);
  try {
    const ctx = { config: loadConfig(SAMPLES), store, log: silentLogger, search: true };
    for (const [i, query] of QUERIES.entries()) {
      for (const format of ['rss', 'atom', 'json']) {
        const path = query.replace('?', `.${format}?`);
        const file = await renderPath(ctx, path);
        expect(file, path).toBeDefined();
        expect(file!.body, `${path} finds nothing`).toMatch(/<item>|<entry>|"items": \[\n/);
        writeFileSync(join(out, `query-${i}.${format}`), file!.body);
      }
    }
  } finally {
    await store.close();
  }
  return out;
}

const SITES = [
  { name: 'the bundled samples', build: () => buildSite(SAMPLES) },
  { name: 'searches and filters on the bundled samples', build: querySite },
  { name: 'the hostile fixtures', build: () => buildSite(configOf('Hostile fixtures', FIXTURES)) },
  { name: 'stored values no normalizer writes today', build: storedSite },
  ...(HAS_CORPUS ? [{ name: 'the feedparser corpus', build: () => buildSite(configOf('Corpus', CORPUS)) }] : []),
];

// The validator's warnings (which do not fail it), by what they say: the samples' site has none; the
// others only these, from the input kept as its source wrote it, or (a query's feed, saved to a file)
// from where the file is.
const FROM_INPUT = [
  /Missing textual content/,
  /same value for atom:updated/,
  /Implausible date/,
  /should not contain HTML/,
  /contains bad characters/,
  /Encode "&" and "<" in plain text/,
];
const WARNINGS: Record<string, RegExp[]> = {
  'the bundled samples': [],
  'searches and filters on the bundled samples': [
    /Self reference doesn't match document location/,
    /Identifier "urn:tidings:feed:[^"]*" is not in canonical form/,
  ],
  'the hostile fixtures': FROM_INPUT,
  'stored values no normalizer writes today': FROM_INPUT,
  'the feedparser corpus': FROM_INPUT,
};

const built = new Map<string, string>();
beforeAll(async () => {
  for (const site of SITES) built.set(site.name, await site.build());
}, 120_000);

describe.skipIf(!!VALIDATOR_SKIP)(
  `every RSS and Atom file passes the W3C feed validator ${VALIDATOR_SKIP ? `(skipped: ${VALIDATOR_SKIP})` : ''}`,
  () => {
    it.each(SITES.map((s) => s.name))('%s', (name) => {
      const out = built.get(name)!;
      const run = spawnSync(PYTHON, [VALIDATOR, '--json', out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const summary = /validate-feeds: (\d+) files, (\d+) errors, (\d+) warnings/.exec(run.stdout);
      expect(summary, run.stderr).not.toBeNull();
      const [files, errors, warnings] = summary!.slice(1).map(Number) as [number, number, number];
      console.log(`${name}: ${summary![0]}`);
      // Each line is a file's report, or a file the validator itself failed on, then the summary.
      const failing = run.stdout
        .split('\n')
        .filter((line) => line && line !== summary![0] && (!line.startsWith('{') || JSON.parse(line).errors > 0));
      expect({ errors, failing: failing.slice(0, 20) }).toEqual({ errors: 0, failing: [] });
      expect(files).toBe(filesUnder(out, /\.(rss|atom)$/).length);
      expect(files).toBeGreaterThan(0);
      const messages = run.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => (JSON.parse(line) as { messages: string[] }).messages);
      expect(messages.filter((m) => /^line \d+, column \d+: /.test(m))).toHaveLength(warnings);
      expect(messages.filter((m) => !WARNINGS[name]!.some((kind) => kind.test(m)))).toEqual([]);
    });
  },
);

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by hand, strict: no key outside
// the spec (the 1.0 `author` among them). Where 1.1 makes a key optional and Tidings always writes
// it (the feed's authors and language, an item's title), it is required here.
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;\s*[\w!#$&^.+-]+=("[^"]*"|[\w!#$&^.+-]+))*$/;
const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i; // RFC 5646, loosely
const url = z.url({ protocol: /^https?$/ });
const date = z.iso.datetime({ offset: true });
const author = z
  .strictObject({ name: z.string().min(1).optional(), url: url.optional(), avatar: url.optional() })
  .refine((a) => a.name || a.url || a.avatar, 'an author has a name, url or avatar');
const attachment = z.strictObject({
  url,
  mime_type: z.string().regex(MEDIA_TYPE),
  title: z.string().optional(),
  size_in_bytes: z.number().int().positive().optional(),
  duration_in_seconds: z.number().positive().optional(),
});
const item = z
  .strictObject({
    id: z.string().min(1),
    url: url.optional(),
    external_url: url.optional(),
    title: z.string().min(1),
    content_html: z.string().optional(),
    content_text: z.string().optional(),
    summary: z.string().optional(),
    image: url.optional(),
    banner_image: url.optional(),
    date_published: date.optional(),
    date_modified: date.optional(),
    authors: z.array(author).min(1).optional(),
    tags: z.array(z.string().min(1)).optional(),
    language: z.string().regex(LANGUAGE).optional(),
    attachments: z.array(attachment).min(1).optional(),
  })
  .refine(
    (i) => i.content_html !== undefined || i.content_text !== undefined,
    'an item has content_html or content_text',
  );
const jsonFeed11 = z.strictObject({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string().min(1),
  home_page_url: url.optional(),
  feed_url: url.optional(),
  description: z.string().optional(),
  user_comment: z.string().optional(),
  next_url: url.optional(),
  icon: url.optional(),
  favicon: url.optional(),
  authors: z.array(author).min(1),
  language: z.string().regex(LANGUAGE),
  expired: z.boolean().optional(),
  hubs: z.array(z.strictObject({ type: z.string().min(1), url })).optional(),
  items: z.array(item),
});

describe('every JSON Feed is JSON Feed 1.1', () => {
  it.each(SITES.map((s) => s.name))('%s', (name) => {
    const out = built.get(name)!;
    const feeds = filesUnder(out, /\.json$/);
    expect(feeds.length).toBe(filesUnder(out, /\.rss$/).length);
    const wrong = feeds.flatMap((file) => {
      const result = jsonFeed11.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return result.success
        ? []
        : [
            `${relative(out, file)}: ${result.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; ')}`,
          ];
    });
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

// XML 1.0 §2.2: outside Char, or a control it discourages (DEL, C1), or a noncharacter.
const UNWRITABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => [key, ...stringsOf(v)]);
  return [];
}

describe('no written file holds a character no feed may carry', () => {
  it.each(SITES.map((s) => s.name))('%s', (name) => {
    const out = built.get(name)!;
    const bad = filesUnder(out, /./).filter((file) => {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
      // In JSON a character can hide in an escape ("\u0000", "\ud800").
      return (
        UNWRITABLE.test(text) || (file.endsWith('.json') && stringsOf(JSON.parse(text)).some((s) => UNWRITABLE.test(s)))
      );
    });
    expect(bad.map((f) => relative(out, f))).toEqual([]);
  });
});
