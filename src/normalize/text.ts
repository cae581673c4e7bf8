// Plain-text helpers shared by every input: escaping, sentences, truncation.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts at a word boundary so the result, ellipsis included, has at most `max` characters. */
export function truncateAtWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.search(/\s\S*$/);
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

export function firstSentence(text: string, max = 120): string {
  const first = sentences.segment(text)[Symbol.iterator]().next().value?.segment ?? text;
  return truncateAtWord(collapseWhitespace(first), max);
}
