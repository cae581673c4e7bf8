// One pass over each article's HTML (issue 23): the CPU of sanitizing the content of 5,000 articles of
// about 7 KB (tests/bench/generate.mjs: 2 KB description, 4 KB content; the description of an item
// with content is only read for its first 500 characters of text, the same way before and after)
// and reading the content's text, on the path
// before the walk (sanitize-html with the configuration it replaced, then the text and the
// paragraphs read again from the fragment, as normalize and the fingerprint did) beside the walk
// (cleanHtmlAndText: fragment, text and paragraphs from one parse). Median of --runs rounds,
// interleaved, in this process, over the built dist/ (npm run bench builds it).
//   node tests/bench/html.mjs [--runs 5] [--items 5000]
import sanitizeHtml from 'sanitize-html';
import { paragraphsOfSanitized, textOfSanitized } from '../../dist/lib/html-text.js';
import { fixMojibake } from '../../dist/lib/text.js';
import { resolveUrl } from '../../dist/lib/urls.js';
import { safeText } from '../../dist/lib/xml-chars.js';
import { cleanHtmlAndText } from '../../dist/normalize/html.js';
import { capNesting } from '../../dist/normalize/nesting.js';
import { ALLOWLIST } from '../../dist/normalize/html-walk.js';
import { referenceOptions } from '../sanitize-reference.mjs';
import { feedEntries } from './generate.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const ITEMS = arg('--items', 5000);
const BASE = 'https://bench.example/item/';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bodies = feedEntries(ITEMS).map((e) => e.content);
const options = referenceOptions(BASE, resolveUrl, ALLOWLIST);

const paths = {
  /** Before: sanitize-html (as cleanHtml called it), then the text and the paragraphs from its output. */
  'sanitize-html + text + paragraphs': (html) => {
    const clean = safeText(sanitizeHtml(capNesting(fixMojibake(html)), options));
    return clean.length + textOfSanitized(clean).length + paragraphsOfSanitized(clean).length;
  },
  /** After: one walk writes all three. */
  'one walk (cleanHtmlAndText)': (html) => {
    const clean = cleanHtmlAndText(html, BASE);
    return clean.html.length + clean.text.length + clean.paragraphs.length;
  },
};

function cpuMs(run) {
  globalThis.gc?.();
  const start = process.cpuUsage();
  let sink = 0;
  for (const html of bodies) sink += run(html);
  const used = process.cpuUsage(start);
  if (!sink) throw new Error('nothing written');
  return (used.user + used.system) / 1000;
}

const times = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
for (let r = 0; r < RUNS; r += 1) for (const [name, run] of Object.entries(paths)) times[name].push(cpuMs(run));
const [before, after] = Object.keys(paths).map((name) => median(times[name]));
const mb = bodies.reduce((n, html) => n + html.length, 0) / 1e6;
console.log(`${ITEMS} items (${bodies.length} HTML texts, ${mb.toFixed(1)} MB), CPU ms, median of ${RUNS}:`);
for (const name of Object.keys(paths))
  console.log(
    `  ${name.padEnd(36)} ${median(times[name]).toFixed(0).padStart(6)} ms  (runs: ${times[name].map((t) => t.toFixed(0)).join(', ')})`,
  );
console.log(
  `  the walk takes ${((after / before) * 100).toFixed(0)}% of the time before (${(before / after).toFixed(2)}× as fast)`,
);
