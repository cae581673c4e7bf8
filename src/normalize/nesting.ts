// HTML nested deeper than a browser nests it, flattened before it is parsed. htmlparser2's Parser
// (v10) keeps its open elements in an array that it unshifts and shifts, so n nested elements cost
// n²/2 moves: 100,000 of them took 11 s to sanitize. Chromium's parser stops nesting at 512
// (kMaximumHTMLParserDOMTreeDepth) and so does this: a tag that would open deeper is dropped,
// its content stays where it is, in the deepest element kept.
//
// The depth is htmlparser2's own: its tokenizer reads the HTML, and the open elements follow the
// Parser's rules (which tags a tag closes, void elements, self-closing tags in SVG and MathML), on
// a stack pushed and popped at its end. So the parser that reads the result never holds more than
// `max` open elements. A dropped tag leaves an empty comment in its place, which parsers skip, so
// that the text on either side of it can never join into a tag.
import { Tokenizer } from 'htmlparser2';

export const MAX_NESTING = 512;

const words = (s: string) => s.split(' ');
const CLOSED_BY: [string, string][] = [
  [
    'p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul',
    'p',
  ],
  ['select input output button datalist textarea', 'input option optgroup select button datalist textarea'],
  ['tr', 'tr th td'],
  ['th', 'th'],
  ['td', 'thead th td'],
  ['body', 'head link script'],
  ['li', 'li'],
  ['option', 'option'],
  ['optgroup', 'optgroup option'],
  ['dd dt', 'dd dt'],
  ['rt rp', 'rt rp'],
  ['tbody tfoot', 'thead tbody'],
];
/** The open elements a tag closes when it opens (htmlparser2's openImpliesClose). */
const IMPLIES_CLOSE = new Map(
  CLOSED_BY.flatMap(([tags, closed]) => words(tags).map((tag) => [tag, new Set(words(closed))] as const)),
);
const VOID = new Set(
  words('area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr'),
);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(words('mi mo mn ms mtext annotation-xml foreignobject desc title'));
/** Elements the tokenizer reads as raw text up to their end tag: dropped whole. */
const RAW_TEXT = new Set(words('script style title textarea xmp'));
const EMPTY = '<!---->';

/** The HTML, with no element nested deeper than `max` (unchanged when none is). */
export function capNesting(html: string, max = MAX_NESTING): string {
  // Every open element took a "<": with `max` of them or fewer, none can be deeper.
  for (let at = 0, tags = 0; (at = html.indexOf('<', at) + 1) > 0; ) if ((tags += 1) > max) return flatten(html, max);
  return html;
}

function flatten(html: string, max: number): string {
  const out: string[] = [];
  let copied = 0;
  let dropping = -1; // where the dropped tag (or raw-text element) being read starts
  const drop = (from: number, to: number) => {
    out.push(html.slice(copied, from), EMPTY);
    copied = to;
    dropping = -1;
  };
  // An end tag ends at the first ">" after its name: the tokenizer skips what is in between.
  const endOf = (end: number) => html.indexOf('>', end) + 1 || html.length;
  const name = (start: number, end: number) => html.slice(start, end).toLowerCase();

  const stack: string[] = [];
  const count = new Map<string, number>();
  const foreign: boolean[] = [false];
  const push = (tag: string) => {
    stack.push(tag);
    count.set(tag, (count.get(tag) ?? 0) + 1);
    if (FOREIGN.has(tag) || INTEGRATION.has(tag)) foreign.push(FOREIGN.has(tag));
  };
  const pop = () => {
    const tag = stack.pop()!;
    count.set(tag, count.get(tag)! - 1);
    return tag;
  };

  let tag = '';
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = name(start, end);
        const closes = IMPLIES_CLOSE.get(tag);
        let depth = stack.length;
        while (closes && depth > 0 && closes.has(stack[depth - 1]!)) depth -= 1;
        if (!VOID.has(tag) && depth >= max) {
          dropping = start - 1;
          return;
        }
        while (stack.length > depth) pop();
        if (!VOID.has(tag)) push(tag);
      },
      onopentagend(end) {
        if (dropping >= 0 && !RAW_TEXT.has(tag)) drop(dropping, end + 1);
      },
      onselfclosingtag(end) {
        // What follows a self-closed raw-text tag is read as HTML again.
        if (dropping >= 0) drop(dropping, end + 1);
        else if (foreign.at(-1) && stack.at(-1) === tag) pop();
      },
      onclosetag(start, end) {
        // Inside a dropped raw-text element, the only end tag is its own.
        if (dropping >= 0) return drop(dropping, endOf(end));
        const closed = name(start, end);
        if (FOREIGN.has(closed) || INTEGRATION.has(closed)) foreign.pop();
        if (!VOID.has(closed) && count.get(closed)) while (pop() !== closed);
        // A </p> with no p open stands for an empty p, one level deeper.
        else if (closed === 'p' && stack.length >= max) drop(html.lastIndexOf('<', start), endOf(end));
      },
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onprocessinginstruction() {},
      ontext() {},
      ontextentity() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  if (dropping >= 0) drop(dropping, html.length);
  out.push(html.slice(copied));
  return out.join('');
}
