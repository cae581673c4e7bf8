// Tag slugs are paths of the site: letters and digits of any script, lowercase, and "-".
import { describe, expect, it } from 'vitest';
import { slugify } from '../../src/lib/text.js';
import { toTags } from '../../src/normalize/tags.js';

describe('slugify', () => {
  it.each([
    ['Television & Radio', 'television-radio'],
    ['television-&-radio', 'television-radio'],
    ['São Paulo', 'são-paulo'],
    ['Sa\u0303o Paulo', 'são-paulo'], // decomposed: NFC
    ['COVID-19', 'covid-19'],
    ['Пакистан', 'пакистан'],
    ['中国 新闻', '中国-新闻'],
    ['हिन्दी', 'हिन्दी'], // its vowel signs and virama are marks, kept with their letters
    ['العربية', 'العربية'],
    ['İstanbul', 'i̇stanbul'],
    ['  --a/b?c#d%e<f>g"h\'i`j\\k  ', 'a-b-c-d-e-f-g-h-i-j-k'],
    ['C++ / C#', 'c-c'],
    ['snake_case and   spaces\tand\nlines', 'snake-case-and-spaces-and-lines'],
    ['😀 emoji 😀', 'emoji'],
    ['a\u0000b\u200bc', 'a-b-c'],
    ['٣ ४ 3', '٣-४-3'], // digits of any script
  ])('%j → %j', (label, slug) => {
    expect(slugify(label)).toBe(slug);
    expect(slug).toMatch(/^[\p{L}\p{M}\p{N}]+(-[\p{L}\p{M}\p{N}]+)*$/u);
  });
});

describe('toTags', () => {
  it('keeps the label as people write it, only made safe, and drops a tag without a slug', () => {
    expect(toTags(['Television & Radio', '&', '#', ' - ', '😀', 'x\u0001y', 'x\ufffey', '\ud800', 'x\u0000y'])).toEqual(
      [
        { slug: 'television-radio', label: 'Television & Radio' },
        { slug: 'xy', label: 'xy' },
      ],
    );
  });

  it('makes one tag of spellings that differ only by punctuation, the first spelling kept', () => {
    expect(toTags(['Rock & Roll', 'rock-roll', 'ROCK ROLL'])).toEqual([{ slug: 'rock-roll', label: 'Rock & Roll' }]);
  });

  it('maps aliases by slug to their target', () => {
    expect(toTags(['Iranian', 'Iran & Co'], { iranian: 'Iran', 'iran-co': 'iran' })).toEqual([
      { slug: 'iran', label: 'Iran' },
    ]);
  });
});
