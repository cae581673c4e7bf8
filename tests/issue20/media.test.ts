// Issue 20, point 9: episode pages had no audio link or player though the feeds carry the
// enclosure, and media:thumbnail/media:content pictures were ignored (Indian Express: 200 bare
// headlines).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/normalize/normalize-entry.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { entry, startSite, type TestSite } from './site.js';

const INDIAN_EXPRESS = `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Indian Express</title>
<item><title>Monsoon arrives in Kerala</title><link>https://indianexpress.com/a/1/</link><guid>https://indianexpress.com/a/1/</guid>
<media:thumbnail url="https://images.indianexpress.com/2024/06/monsoon.jpg?w=200" width="200" height="150"/></item>
<item><title>Budget session</title><link>https://indianexpress.com/a/2/</link><guid>https://indianexpress.com/a/2/</guid>
<media:content url="https://images.indianexpress.com/2024/06/budget" medium="image"/></item></channel></rss>`;

describe('pictures in feeds', () => {
  it('media:thumbnail and media:content medium="image" become image enclosures', async () => {
    const { entries } = normalizeFeed(await parseFeed(Buffer.from(INDIAN_EXPRESS)), {
      now: new Date('2024-07-01T00:00:00Z'),
    });
    expect(entries.map((e) => e.enclosures)).toEqual([
      [{ url: 'https://images.indianexpress.com/2024/06/monsoon.jpg?w=200', type: 'image/jpeg' }],
      [{ url: 'https://images.indianexpress.com/2024/06/budget', type: 'image/jpeg' }],
    ]);
  });
});

let site: TestSite;
let episode: string;
let picture: string;
beforeAll(async () => {
  site = await startSite(
    'site: {title: T, baseUrl: "https://news.example.org"}\nsources:\n  - {name: pod, type: seeds, path: p}\n',
    {
      pod: [
        entry({
          identity: 'ep1',
          title: 'Episode 1',
          content: '<p>Show notes.</p>',
          enclosures: [
            { url: 'https://cdn.example.org/cover.jpg', type: 'image/jpeg' },
            { url: 'https://cdn.example.org/ep1.mp3', type: 'audio/mpeg', length: 47_185_920 },
          ],
        }),
        entry({
          identity: 'pic',
          title: 'Monsoon arrives',
          published: new Date('2024-01-19T08:30:00Z'),
          enclosures: [{ url: 'https://img.example.org/m.jpg', type: 'image/jpeg' }],
        }),
      ],
    },
  );
  const [pic, ep] = await site.store.articles();
  [episode, picture] = [ep!.id, pic!.id];
});
afterAll(() => site.close());

describe('pages', () => {
  it("an episode's page has an audio player and a download link", async () => {
    const page = (await site.render(`articles/${episode}.html`))!;
    expect(page).toContain('<audio controls preload="none" src="https://cdn.example.org/ep1.mp3"></audio>');
    expect(page).toContain('<a href="https://cdn.example.org/ep1.mp3" download>Download (MP3, 45.0 MB)</a>');
  });

  it("a picture is shown on the article's page and beside its headline on the river", async () => {
    expect(await site.render(`articles/${picture}.html`)).toContain(
      '<img class="picture" src="https://img.example.org/m.jpg" alt="">',
    );
    expect(await site.render('index.html')).toContain(
      '<img class="thumb" src="https://img.example.org/m.jpg" alt="" loading="lazy">',
    );
  });
});

describe('feeds', () => {
  it("RSS's one enclosure is the episode, not its cover; the cover goes in media:content", async () => {
    const rss = (await site.get('/all.rss')).body;
    expect(rss).toContain('<enclosure url="https://cdn.example.org/ep1.mp3" length="47185920" type="audio/mpeg"/>');
    expect(rss).toContain('<media:content url="https://cdn.example.org/cover.jpg" type="image/jpeg" medium="image"/>');
    expect(rss).toContain('xmlns:media="http://search.yahoo.com/mrss/"');
  });
});
