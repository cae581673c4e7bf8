import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseSeed as parseSeedDocument, type SeedOptions } from '../../src/parse/seed.js';
import { FIXTURES, HAS_SEED, SEED } from '../helpers.js';

/** A seed document as a refresh stores it: parsed, then normalized (at a time after every date here). */
function parseSeed(bytes: Uint8Array, file: string, identity: string, options: SeedOptions, mtime?: Date) {
  const { entry, warnings } = parseSeedDocument(bytes, file, identity, options, mtime);
  const feed = {
    format: 'seeds' as const,
    version: '1',
    skipHours: [],
    skipDays: [],
    entries: [entry],
    warnings,
    refused: [],
  };
  return { entry: normalizeFeed(feed, { now: new Date('2100-01-01T00:00:00Z') }).entries[0]!, warnings };
}

const utc: SeedOptions = { timezone: 'UTC', titleFrom: 'hashtags' };
const fixture = (name: string) => join(FIXTURES, 'seeds', name);
const parseFixture = (name: string, options = utc) =>
  parseSeed(readFileSync(fixture(name)), fixture(name), name, options, new Date('2030-01-01T00:00:00Z'));
const text = (s: string) => new TextEncoder().encode(s);

describe.skipIf(!HAS_SEED)(`the shared seed ${HAS_SEED ? '' : '(skipped: ../shared/seeds is absent)'}`, () => {
  // Read before the tests, not in this body: a skipped block's body still runs, and the file may be absent.
  let entry: ReturnType<typeof parseSeed>['entry'];
  let warnings: string[];
  let paragraphs: string[];
  beforeAll(() => {
    ({ entry, warnings } = parseSeed(readFileSync(SEED), SEED, '000_c94895f7a58074dd.txt', utc));
    paragraphs = readFileSync(SEED, 'utf8').split('\n').slice(0, -2);
  });

  it('takes the title from the hashtags', () => {
    expect(entry.title).toBe('Pakistan expels Iranian ambassador');
  });
  it('reads the timestamp in the source zone', () => {
    expect(entry.published.toISOString()).toBe('2024-01-18T11:08:24.000Z');
    expect(warnings).toEqual([]);
  });
  it("makes the headline's names tags, with a lowercase slug, and not its verb or common nouns (issue 20)", () => {
    expect(entry.tags.map((t) => t.label)).toEqual(['Pakistan', 'Iranian']);
    expect(entry.tags.map((t) => t.slug)).toEqual(['pakistan', 'iranian']);
  });
  // The issue says 15 paragraphs; the file holds 16 lines of text before the timestamp.
  it('makes each of the 16 paragraphs a <p>, quotes intact', () => {
    expect(paragraphs).toHaveLength(16);
    expect(entry.content.split('\n')).toEqual(paragraphs.map((p) => `<p>${p.replace(/'/g, '&#39;')}</p>`));
    expect(entry.content).toContain('“blatant violation of Pakistan’s sovereignty”');
    expect(entry.content).toContain('<p>Iran defended its attacks.</p>');
    expect(entry.summary).toBe(paragraphs[0]);
  });
  it('uses the first sentence with titleFrom: first-sentence', () => {
    const { entry: e } = parseSeed(readFileSync(SEED), SEED, 'x', { ...utc, titleFrom: 'first-sentence' });
    expect(e.title.length).toBeLessThanOrEqual(120);
    expect(e.title.endsWith('…')).toBe(true);
    expect(paragraphs[0]!.startsWith(e.title.slice(0, -1))).toBe(true);
  });
  it('reads a zone-less timestamp in the configured zone', () => {
    const { entry: e } = parseSeed(readFileSync(SEED), SEED, 'x', { ...utc, timezone: 'Asia/Karachi' });
    expect(e.published.toISOString()).toBe('2024-01-18T06:08:24.000Z');
  });
});

describe('tolerated layouts', () => {
  it.each([
    ['bom.txt', 'bom test', ['A paragraph after a byte order mark.']],
    ['crlf.txt', 'crlf test', ['First paragraph with CRLF.', 'Second paragraph.']],
    ['cr.txt', 'cr test', ['First paragraph with CR.', 'Second paragraph.']],
    ['trailing-spaces.txt', 'trailing test', ['Trailing spaces here.', 'And here.']],
    ['blank-lines.txt', 'blank test', ['First paragraph.', 'Second paragraph.']],
    ['no-final-newline.txt', 'nofinal test', ['No final newline.']],
  ])('%s', (name, title, paragraphs) => {
    const { entry, warnings } = parseFixture(name);
    expect(entry.title).toBe(title);
    expect(entry.content).toBe(paragraphs.map((p) => `<p>${p}</p>`).join('\n'));
    expect(entry.summary).toBe(paragraphs[0]);
    expect(entry.published.toISOString()).toBe('2024-01-18T11:08:24.000Z');
    expect(warnings).toEqual([]);
  });

  it('reads an ISO 8601 timestamp with an offset', () => {
    expect(parseFixture('iso-offset.txt').entry.published.toISOString()).toBe('2024-01-18T06:08:24.000Z');
  });

  it('falls back to the modification time, with a warning, without a timestamp line', () => {
    const { entry, warnings } = parseFixture('no-timestamp.txt');
    expect(entry.published.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(warnings[0]).toMatch(/no-timestamp\.txt: no timestamp line/);
    expect(entry.tags.map((t) => t.slug)).toEqual(['undated']);
  });

  describe('keeps its date when the hashtag line is not clean', () => {
    const doc = (tags: string) => text(`First paragraph.\nSecond paragraph.\n2024-01-18 11:08:24\n${tags}\n`);
    const read = (tags: string) => parseSeed(doc(tags), 'x.txt', 'x.txt', utc, new Date('2030-01-01T00:00:00Z'));

    it('keeps a tag that is not a clean hashtag as its text: #R._Kelly is "R. Kelly"', () => {
      const { entry, warnings } = read('#R._Kelly #trial');
      expect(entry.published.toISOString()).toBe('2024-01-18T11:08:24.000Z');
      expect(entry.tags.map((t) => t.label)).toEqual(['R. Kelly', 'trial']);
      expect(entry.title).toBe('R. Kelly trial');
      expect(entry.content).toBe('<p>First paragraph.</p>\n<p>Second paragraph.</p>');
      expect(warnings).toEqual([]);
    });

    it('skips the words of the hashtag line without "#", saying which, on which line', () => {
      const { entry, warnings } = read('#Pakistan expels #Iranian ambassador #');
      expect(entry.published.toISOString()).toBe('2024-01-18T11:08:24.000Z');
      expect(entry.tags.map((t) => t.label)).toEqual(['Pakistan', 'Iranian']);
      expect(warnings).toEqual([
        'x.txt:4: hashtag line: "expels", "ambassador", "#" skipped (each tag is "#" and a word, spaces written as _)',
      ]);
    });

    it('keeps the timestamp above a last line that is not hashtags, and says what is wrong with it', () => {
      const { entry, warnings } = read('Pakistan expels Iranian ambassador');
      expect(entry.published.toISOString()).toBe('2024-01-18T11:08:24.000Z');
      expect(entry.tags).toEqual([]);
      expect(entry.content).toBe(
        '<p>First paragraph.</p>\n<p>Second paragraph.</p>\n<p>Pakistan expels Iranian ambassador</p>',
      );
      expect(warnings).toEqual([
        'x.txt:4: the line after the timestamp is not a hashtag line (no word starts with "#"); read as a paragraph',
      ]);
    });

    it('reads a paragraph that mentions a #hashtag as a paragraph, without a timestamp above it', () => {
      const { entry } = parseSeed(text('Follow #news for more.\n'), 'x.txt', 'x.txt', utc, new Date(0));
      expect(entry.content).toBe('<p>Follow #news for more.</p>');
      expect(entry.tags).toEqual([]);
    });
  });

  it('titles a document without hashtags with its first sentence', () => {
    const { entry } = parseFixture('no-hashtags.txt');
    expect(entry.title).toBe('No hashtags here.');
    expect(entry.tags).toEqual([]);
  });

  it('reads hashtags in any script, "_" as a space, one slug per tag', () => {
    const { entry } = parseFixture('unicode-tags.txt');
    expect(entry.title).toBe('São Paulo COVID-19 Пакистан pakistan');
    expect(entry.tags).toEqual([
      { slug: 'são-paulo', label: 'São Paulo' },
      { slug: 'covid-19', label: 'COVID-19' },
      { slug: 'пакистан', label: 'Пакистан' },
    ]); // "#pakistan", a lowercase word of a headline, is no tag (issue 20)
  });

  it('gives one tag per slug however it is capitalised, and escapes HTML', () => {
    const { entry } = parseSeed(
      text('Fish & <chips> "today".\n#Food #food #FOOD\n'),
      'x.txt',
      'x.txt',
      utc,
      new Date(0),
    );
    expect(entry.tags).toEqual([{ slug: 'food', label: 'Food' }]);
    expect(entry.title).toBe('Food food FOOD');
    expect(entry.content).toBe('<p>Fish &amp; &lt;chips&gt; &quot;today&quot;.</p>');
    expect(entry.summary).toBe('Fish & <chips> "today".');
  });

  it('cuts a long first sentence at a word boundary to 120 characters', () => {
    const long = `${'word '.repeat(60).trim()}. Second sentence.`;
    const { entry } = parseSeed(text(`${long}\n2024-01-01 00:00:00\n`), 'x.txt', 'x.txt', utc);
    expect(Array.from(entry.title).length).toBeLessThanOrEqual(120);
    expect(entry.title).toMatch(/^word( word)*…$/);
  });
});

describe('refused files name the file and the reason', () => {
  it.each([
    ['empty.txt', /empty\.txt: empty file/],
    ['whitespace-only.txt', /whitespace-only\.txt: empty file/],
    ['no-paragraph.txt', /no-paragraph\.txt: no paragraph/],
    ['nul-bytes.txt', /nul-bytes\.txt: not a text file/],
    ['invalid-utf8.txt', /invalid-utf8\.txt: not UTF-8 text/],
    ['impossible-date.txt', /impossible-date\.txt:2: "2024-02-30 10:00:00" is not a real date/],
  ])('%s', (name, message) => {
    expect(() => parseFixture(name)).toThrow(message);
  });

  it('a file over 1 MiB', () => {
    const big = text(`${'x'.repeat(1024 * 1024)}\n#big\n`);
    expect(() => parseSeed(big, 'big.txt', 'big.txt', utc)).toThrow(/big\.txt: larger than 1 MiB/);
  });
});
