// Deterministic generated articles and feed documents for the benchmarks.
// mulberry32: a small, fast generator with a full 32-bit period, seeded for repeatable runs.
let seed = 7;
export const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
export const reseed = (s) => (seed = s);

// A vocabulary of 6,000 made-up words, drawn with a Zipf-like skew: unrelated texts share few 3-shingles.
const VOCAB = Array.from({ length: 6000 }, (_, i) => {
  let w = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / 20)) w += 'aeioubcdfghklmnprstv'[n % 20];
  return w + 'ton'.slice(0, i % 3);
});
const word = () => VOCAB[Math.floor(random() ** 1.5 * VOCAB.length)];
export const sentence = (n = 12 + Math.floor(random() * 10)) => {
  const s = Array.from({ length: n }, word).join(' ');
  return `${s[0].toUpperCase()}${s.slice(1)}.`;
};
export const paragraph = (chars) => {
  let p = '';
  while (p.length < chars) p += (p ? ' ' : '') + sentence();
  return p;
};

/** About `bytes` of HTML in paragraphs, with a link and some markup like real content. */
export function html(bytes) {
  const out = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const p = paragraph(400);
    const marked = i % 3 === 1 ? p.replace(/ (\w+) (\w+)/, ' <a href="/read/$1">$1</a> <em>$2</em>') : p;
    out.push(`<p>${marked}</p>`);
    size += marked.length + 7;
  }
  return out.join('\n');
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

let serial = 0;

/** `items` entries of about 7 KB (2 KB description, 4 KB content), a minute apart from `start`. */
export function feedEntries(items, start = Date.UTC(2025, 0, 1)) {
  return Array.from({ length: items }, (_, i) => {
    serial += 1;
    return {
      title: sentence(8).slice(0, -1),
      link: `https://bench.example/item/${serial}`,
      date: new Date(start + i * 60_000),
      summary: html(2048),
      content: html(4096),
      tags: [word(), word()],
    };
  });
}

/** An RSS 2.0 or Atom document of the entries. */
export function renderFeed(format, entries, start = Date.UTC(2025, 0, 1)) {
  if (format === 'rss') {
    return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title><link>https://bench.example/</link><description>d</description>
${entries.map((e) => `<item><title>${esc(e.title)}</title><link>${e.link}</link><guid>${e.link}</guid><pubDate>${e.date.toUTCString()}</pubDate><dc:creator>Bench Writer</dc:creator>${e.tags.map((t) => `<category>${t}</category>`).join('')}<description>${esc(e.summary)}</description><content:encoded><![CDATA[${e.content}]]></content:encoded></item>`).join('\n')}
</channel></rss>`;
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Bench</title><id>urn:bench</id><updated>${new Date(start).toISOString()}</updated><link href="https://bench.example/"/>
${entries.map((e) => `<entry><title>${esc(e.title)}</title><id>${e.link}</id><link href="${e.link}"/><updated>${e.date.toISOString()}</updated><author><name>Bench Writer</name></author>${e.tags.map((t) => `<category term="${t}"/>`).join('')}<summary type="html">${esc(e.summary)}</summary><content type="html">${esc(e.content)}</content></entry>`).join('\n')}
</feed>`;
}

/** An RSS 2.0 or Atom document of `items` new entries of about 7 KB. */
export function feedDocument(format, items, start = Date.UTC(2025, 0, 1)) {
  return renderFeed(format, feedEntries(items, start), start);
}
