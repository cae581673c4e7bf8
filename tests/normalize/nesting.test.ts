// Deep nesting is flattened before htmlparser2 reads it, whose open elements cost it quadratic
// time. The depth capNesting counts must be the one htmlparser2's Parser reaches, tag for tag:
// each sample is left alone at its own depth, and capped below it the Parser stays under the cap.
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { capNesting } from '../../src/normalize/nesting.js';

/** The most elements htmlparser2's Parser holds open at once while reading `html` (its own stack, read as it grows). */
function parsedDepth(html: string): number {
  let max = 0;
  const parser: Parser = new Parser({
    onopentagname: () => void (max = Math.max(max, (parser as unknown as { stack: string[] }).stack.length)),
  });
  parser.end(html);
  return max;
}

const N = 1200;
const SAMPLES: [string, string][] = [
  ['nested divs', `${'<div>'.repeat(N)}x${'</div>'.repeat(N)}`],
  ['upper case', `${'<DIV class=a>'.repeat(N)}x${'</Div>'.repeat(N)}`],
  ['">" in attribute values', `${'<span title="a>b" data-x=\'>\'>'.repeat(N)}<br/><img src=x>`],
  ['a p closed by the div it holds, then a stray </p>', '<p><div></p>'.repeat(N)],
  [
    'p, li, dt, td, option closed by their siblings',
    `${'<p>a'.repeat(N)}<ul>${'<li>b'.repeat(N)}</ul><dl>${'<dt>c<dd>d'.repeat(N)}</dl><table>${'<tr><td>e'.repeat(N)}</table><select>${'<option>f<optgroup>'.repeat(N)}</select>`,
  ],
  ['headings and blocks that close a p', '<h1><h2><p>x<div>'.repeat(N)],
  ['misnested inline tags', '<b><i>x</b></i>'.repeat(N)],
  ['self-closed HTML tags stay open', '<span/><script/>'.repeat(N)],
  ['self-closed tags in SVG close', `<svg>${'<g/>'.repeat(N)}</svg>${'<em>'.repeat(N)}`],
  ['open SVG and MathML, HTML inside', '<svg><g><math><mi><div>'.repeat(N)],
  ['stray end tags of foreign elements', '</svg><g/>'.repeat(N)],
  ['stray end tags', `${'<div>'.repeat(N)}${'</x></br></img>'.repeat(N)}${'<span>'.repeat(N)}`],
  [
    'raw text, comments and CDATA hold no tags',
    `${'<div><script>a<b</script><style><i></style><title><u></title><textarea><s></textarea><xmp><q></xmp><!-- <p> --><![CDATA[<p>]]>'.repeat(N)}`,
  ],
  ['a raw-text element left open', `${'<div>'.repeat(N)}<script>var a = "<div>";`],
  ['text that would join into a tag around a dropped one', `${'<<div>b>'.repeat(N)}${'</<div>i>'.repeat(N)}`],
  ['entities', '<div>&amp;&#1;&lt;&nbsp'.repeat(N)],
];

describe('capNesting', () => {
  it.each(SAMPLES)('counts the depth htmlparser2 reaches: %s', (_name, html) => {
    const depth = parsedDepth(html);
    expect(capNesting(html, depth)).toBe(html);
    const cap = Math.max(1, Math.floor(depth / 3));
    if (depth > 1) expect(capNesting(html, cap)).not.toBe(html);
    expect(parsedDepth(capNesting(html, cap))).toBeLessThanOrEqual(cap);
  });

  it('keeps the content of the elements it drops, and everything after them', () => {
    const html = `<p>before</p>${'<div><b>'.repeat(300)}deep${'</b></div>'.repeat(300)}<p>after</p>`;
    const capped = capNesting(html, 10);
    expect(capped).toContain('deep');
    expect(capped).toMatch(/<p>after<\/p>$/);
    expect(capped.match(/<(div|b)>/g)).toHaveLength(10);
  });

  it('drops a raw-text element whole beyond the cap, so its code never turns into text', () => {
    const capped = capNesting(`${'<div>'.repeat(600)}<script>alert("<b>x</b>")</script>after`, 512);
    expect(capped).not.toContain('alert');
    expect(capped.endsWith('after')).toBe(true);
  });

  it('leaves HTML with fewer tags than the cap as it is, without reading it', () => {
    const html = '<div><div><p>x</p></div></div>';
    expect(capNesting(html, 3)).toBe(html);
  });
});
