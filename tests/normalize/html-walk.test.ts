// The one-pass walk (src/normalize/html-walk.ts) against sanitize-html with the configuration it
// replaced, the reference: the same fragment on XSS vectors, on every HTML text of the test fixtures
// and of the public corpus (../shared: feedparser's sanitizer tests and the real feeds), and on
// whole article pages. And the walk's text is the text of its fragment, as it was read before.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintEntries } from '../../src/dedupe/fingerprint.js';
import { paragraphsOfSanitized, textOfSanitized } from '../../src/lib/html-text.js';
import { resolveUrl } from '../../src/lib/urls.js';
import { cleanHtmlAndText, htmlToText } from '../../src/normalize/html.js';
import { ALLOWLIST, walkHtml } from '../../src/normalize/html-walk.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import type { Text } from '../../src/parse/types.js';
import { FIXTURES, SHARED } from '../helpers.js';
import { referenceOptions } from '../sanitize-reference.mjs';

const reference = (base: string | undefined): sanitizeHtml.IOptions => referenceOptions(base, resolveUrl, ALLOWLIST);

const BASE = 'https://site.example/blog/post/';

/** Where the walk and the reference differ on `html`: the first character that differs, in context. */
function difference(html: string, base: string | undefined): string | undefined {
  const ours = walkHtml(html, base).html;
  const theirs = sanitizeHtml(html, reference(base));
  if (ours === theirs) return undefined;
  let at = 0;
  while (ours[at] === theirs[at]) at += 1;
  return `walk …${ours.slice(Math.max(0, at - 60), at + 60)}… reference …${theirs.slice(Math.max(0, at - 60), at + 60)}…`;
}

/** Where the walk's text is not the text its fragment is read as. */
function textDifference(html: string, base: string | undefined): string | undefined {
  const clean = cleanHtmlAndText(html, base);
  if (clean.text !== textOfSanitized(clean.html)) return `text: ${clean.text.slice(0, 200)}`;
  if (clean.paragraphs !== paragraphsOfSanitized(clean.html)) return `paragraphs: ${clean.paragraphs.slice(0, 200)}`;
  if (clean.prose !== htmlToText(clean.html))
    return `prose: ${clean.prose.slice(0, 200)} | ${htmlToText(clean.html).slice(0, 200)}`;
  return undefined;
}

// XSS vectors (OWASP's filter evasion cheat sheet, html5sec.org) and the rewriting rules, one a line.
const VECTORS = [
  '<script>alert(1)</script><p>after</p>',
  '<SCRIPT SRC=//xss.example/x.js></SCRIPT>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<a href="jav&#x09;ascript:alert(1)">tab</a>',
  '<a href="jav&#x0A;ascript:alert(1)">newline</a><a href=" &#14;  javascript:alert(1)">controls</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">decimal</a>',
  '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">hex without semicolons</a>',
  '<a href="java<!-- -->script:alert(1)">comment in the scheme</a>',
  '<a href="vbscript:msgbox(1)">vb</a><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<a href="//cdn.example/x">protocol-relative</a><a href="\\\\evil.example">backslashes</a><a href="/x" rel="nofollow" title="t">relative</a>',
  '<a rel="me" href="https://a.example/">rel first</a><a href="">empty</a><a href=" ">blank</a><a>none</a><a href="mailto:a@b.example">mail</a>',
  '<img src="x" onerror="alert(1)"><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"><img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
  '<img src="/pixel.gif" width="1" height="1"><img src="/a.jpg" width="1"><img alt="no source"><img src="" alt="empty"><img src="https://x.example/a.png" width="" height="10" title="t">',
  '<img src="DATA:text/html,x"><img src=" data:image/gif;base64,R0lGOD">',
  '<svg><script>alert(1)</script><foreignObject><p>in svg</p></foreignObject><img src="/s.png"/></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<iframe src="javascript:alert(1)">iframe text</iframe><object data="x.swf">object text</object><embed src="x">',
  '<style>p{color:red}</style><noscript><p>noscript</p></noscript><textarea><b>t</b></textarea><select><option>o1<option>o2</select>',
  '<xmp><script>alert(1)</script></xmp><title>a <b>title</b></title><noembed><script>x</script></noembed>',
  '<p style="background:url(javascript:alert(1))" onclick="x()" class="c" id="i">styled</p>',
  '<div><p>unclosed<div>nested</p></div>',
  '</p></br><br/><br lang="en"><hr><col><p>a</p>',
  '<table><tr><td colspan="2" onclick="x">a<td rowspan=3>b<tr><th scope=col headers="h">c</table>',
  '<ol start="3" reversed type="i"><li value="5">five<li>six</ol>',
  '<blockquote cite="/quote" onmouseover="x">q</blockquote><q cite="javascript:alert(1)">q</q><time datetime="2024-01-01">t</time>',
  '<p lang="en" dir="rtl" LANG="fr">lang</p><ABBR TITLE="Abbr">A</ABBR>',
  '<a href="https://a.example/?a=1&b=2&amp;c=3&lt;">amp</a> 1 &lt; 2 &amp;&amp; 3 > 2 &copy &nbsp; &#0; &#x10FFFF; &#xD800;',
  '<p title="a&quot;b\'c<d>e">quotes</p><a title=\'x" onmouseover="alert(1)\'>attr</a>',
  '<<script>alert(1)//<</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<!--<script>alert(1)--><p>after comment</p><!-- unclosed <script>alert(2)</script>',
  '<![CDATA[<script>alert(1)</script>]]><?xml version="1.0"?><!DOCTYPE html><p>x</p>',
  '<p>cut off <a href="/x" title="t',
  '<div><noscript>open <p>in it</div> after</noscript> end',
  '<option><p>in option</option>after option',
  '<p>don&rsquo;t &ldquo;quote&rdquo;</p><p>line<br>break</p>\n\n<p>last</p>',
  '<h1>T</h1><h2>U</h2><pre>a\n  b</pre><dl><dt>t<dd>d</dl><figure><img src="/f.jpg"><figcaption>cap</figcaption></figure>',
  '<a href="http://a.example/" rel="noopener noreferrer nofollow" target="_blank">target</a><a name="anchor">named</a>',
  '<base href="https://evil.example/"><link rel=stylesheet href=x><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form action="javascript:alert(1)"><input type=image src=x><button formaction="x">b</button></form>',
  '<a href="https://a.example/\u0000x">nul</a>\u0001\ufffe\ud800 lone\udfff',
  '<svg/onload=alert(1)><body onload=alert(1)><details open ontoggle=alert(1)>',
  '<a href="ja\tvas\ncript:alert(1)">split</a><a href="  https://ok.example/ ">spaces</a>',
];

describe('the one-pass walk against sanitize-html (the reference)', () => {
  it.each(VECTORS)('writes what sanitize-html writes: %s', (html) => {
    expect(difference(html, BASE)).toBeUndefined();
    expect(difference(html, undefined)).toBeUndefined();
    expect(textDifference(html, BASE)).toBeUndefined();
  });
});

/** Every HTML text of a feed document (feed and entries), with its base. */
async function htmlTexts(path: string): Promise<Text[]> {
  let feed: Awaited<ReturnType<typeof parseFeed>>;
  try {
    feed = await parseFeed(readFileSync(path), { url: 'https://feed.example/feed.xml' });
  } catch {
    return [];
  }
  const texts = [feed.title, feed.description, ...feed.entries.flatMap((e) => [e.title, e.summary, e.content])];
  return texts.filter((t): t is Text => t?.type === 'html');
}

const FEED_FILE = /\.(xml|rss|atom|rdf|json)$/;
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory()
          ? filesUnder(path)
          : FEED_FILE.test(name) && !name.endsWith('.jsonl')
            ? [path]
            : [];
      })
    : [];

/** The differences over every HTML text of the feed documents under `dirs` (and how many texts were compared). */
async function differencesIn(dirs: string[]): Promise<{ compared: number; differences: string[] }> {
  const differences: string[] = [];
  let compared = 0;
  for (const path of dirs.flatMap(filesUnder)) {
    for (const text of await htmlTexts(path)) {
      compared += 1;
      const found = difference(text.value, text.base) ?? textDifference(text.value, text.base);
      if (found) differences.push(`${path}: ${found}`);
    }
  }
  return { compared, differences };
}

describe('the one-pass walk on real HTML', () => {
  it('writes what sanitize-html writes on every HTML text of the test fixtures', async () => {
    const { compared, differences } = await differencesIn([FIXTURES]);
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(30);
  });

  it('writes what sanitize-html writes on whole article pages (Readability test pages)', () => {
    const dir = join(FIXTURES, 'readability');
    const pages = readdirSync(dir).filter((name) => existsSync(join(dir, name, 'source.html')));
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) {
      const html = readFileSync(join(dir, page, 'source.html'), 'utf8');
      expect(difference(html, `https://${page}.example/article`), page).toBeUndefined();
      expect(textDifference(html, `https://${page}.example/article`), page).toBeUndefined();
    }
  });

  const HAS_CORPUS = existsSync(join(SHARED, 'corpus/feedparser/manifest.jsonl'));
  it.skipIf(!HAS_CORPUS)(
    `writes what sanitize-html writes on the public corpus${HAS_CORPUS ? '' : ' (skipped: ../shared is absent)'}`,
    async () => {
      const { compared, differences } = await differencesIn([join(SHARED, 'corpus'), join(SHARED, 'realfeeds')]);
      expect(differences).toEqual([]);
      expect(compared).toBeGreaterThan(1000);
    },
  );
});

describe('normalize and the fingerprint on the walk', () => {
  const ATOM = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<entry><id>urn:1</id><title>One</title><updated>2024-01-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;Hello &lt;em&gt;world&lt;/em&gt;!&lt;/p&gt;&lt;p&gt;Second &lt;a href="/x"&gt;para&lt;/a&gt;graph.&lt;/p&gt;</content></entry></feed>`;

  it('takes the summary, the text and the paragraphs from the one walk', async () => {
    const { entries } = normalizeFeed(await parseFeed(Buffer.from(ATOM), { url: 'https://a.example/feed' }), {
      now: new Date('2024-02-01T00:00:00Z'),
    });
    const entry = entries[0]!;
    expect(entry.content).toBe(
      '<p>Hello <em>world</em>!</p><p>Second <a href="https://a.example/x" rel="noopener noreferrer">para</a>graph.</p>',
    );
    // A summary is read as prose: inline elements join what they separate; the text splits words at every tag.
    expect(entry.summary).toBe('Hello world! Second paragraph.');
    expect(entry.text).toBe(textOfSanitized(entry.content));
    expect(entry.paragraphs).toBe('Hello world !\nSecond para graph.');

    const [fingerprinted] = fingerprintEntries([{ ...entry }]);
    expect(fingerprinted).not.toHaveProperty('paragraphs');
    expect(fingerprinted!.fingerprint).toEqual(fingerprint(entry.title, paragraphsOfSanitized(entry.content)));
  });
});
