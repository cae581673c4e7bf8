// Issue 25: what one entry may carry is bounded, whatever the feed says: tags, their labels, the author.
import { describe, expect, it } from 'vitest';
import { MAX_TAGS } from '../../src/model.js';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseSeeds } from '../../src/parse/seed.js';
import { toFeedItem } from '../../src/publish/item.js';

const rss = (item: string) =>
  `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><guid>g</guid><title>One</title>${item}</item></channel></rss>`;

async function entryOf(item: string, tags?: string[]) {
  const { entries } = normalizeFeed(await parseFeed(Buffer.from(rss(item))), { now: new Date(), tags });
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

describe('bounds on one entry', () => {
  it("keeps the first MAX_TAGS of 2,000 categories, and the source's own tags", async () => {
    const categories = Array.from({ length: 2000 }, (_, i) => `<category>topic ${i}</category>`).join('');
    const entry = await entryOf(categories, ['mine']);
    expect(entry.tags).toHaveLength(MAX_TAGS + 1);
    expect(entry.tags[0]).toEqual({ slug: 'topic-0', label: 'topic 0' });
    expect(entry.tags.at(-1)).toEqual({ slug: 'mine', label: 'mine' });
  });

  it('cuts a 500 KB category to a label of at most 100 characters', async () => {
    const entry = await entryOf(`<category>${'x'.repeat(500_000)}</category>`);
    expect(entry.tags[0]!.label.length).toBeLessThanOrEqual(100);
    expect(entry.tags[0]!.slug.length).toBeLessThanOrEqual(100);
  });

  it('cuts a 64 KB author', async () => {
    const entry = await entryOf(`<dc:creator>${'Ann Author '.repeat(6000)}</dc:creator>`);
    expect(entry.author!.length).toBeLessThanOrEqual(200);
    expect(entry.author).toMatch(/^Ann Author .*…$/);
  });

  it('drops a 64 KB link, enclosure URL, media type and language, and keeps 16 enclosures of 100', async () => {
    const long = `https://example.org/${'p'.repeat(64 * 1024)}`;
    const enclosures = Array.from(
      { length: 100 },
      (_, i) => `<enclosure url="https://example.org/${i}.mp3" type="audio/mpeg" length="1"/>`,
    ).join('');
    const entry = await entryOf(
      `<link>${long}</link><enclosure url="${long}" type="audio/mpeg" length="1"/>${enclosures}`,
    );
    expect(entry.link).toBeUndefined();
    expect(entry.enclosures).toHaveLength(16);
    expect(entry.enclosures[0]!.url).toBe('https://example.org/0.mp3');
    const odd = await entryOf(
      `<enclosure url="https://example.org/a.mp3" type="${'x'.repeat(64 * 1024)}" length="1"/><dc:language>${'en'.repeat(32 * 1024)}</dc:language>`,
    );
    expect(odd.enclosures[0]!.type).toBeUndefined();
    expect(odd.language).toBeUndefined();
  });

  it('publishes at most MAX_TAGS categories of an article stored before the bound', () => {
    const tags = Array.from({ length: 2000 }, (_, i) => ({ slug: `t${i}`, label: `t${i}` }));
    const article = {
      id: 'a',
      source: 's',
      title: 'T',
      summary: '',
      content: '',
      published: new Date(),
      updated: new Date(),
      tags,
      enclosures: [],
    };
    expect(toFeedItem(article as never, { baseUrl: 'https://example.org/' }).tags).toHaveLength(MAX_TAGS);
  });

  it("keeps MAX_TAGS of a seed document's 10,000 hashtags", () => {
    const text = `Trams run late.\n2024-01-18 11:08:24\n${Array.from({ length: 10_000 }, (_, i) => `#Tag${i}`).join(' ')}\n`;
    const { entries } = normalizeFeed(
      parseSeeds([{ file: 'x.txt', identity: 'x.txt', bytes: Buffer.from(text) }], {
        timezone: 'UTC',
        titleFrom: 'hashtags',
      }),
      { now: new Date() },
    );
    expect(entries[0]!.tags).toHaveLength(MAX_TAGS);
    expect(entries[0]!.title.length).toBeLessThanOrEqual(300);
  });

  it('names a 500 KB bad hashtag in a warning without printing it whole', () => {
    const text = `First paragraph.\n2024-01-18 11:08:24\n#ok #${'-'.repeat(500_000)} ${'#+ '.repeat(100)}\n`;
    const feed = parseSeeds([{ file: 'x.txt', identity: 'x.txt', bytes: Buffer.from(text) }], {
      timezone: 'UTC',
      titleFrom: 'hashtags',
    });
    expect(feed.warnings).toHaveLength(1);
    expect(feed.warnings[0]!.length).toBeLessThan(500);
    expect(feed.warnings[0]).toMatch(/^x\.txt:3: hashtag line: "#-{39}…", "#\+", .* and 96 more skipped/);
  });
});
