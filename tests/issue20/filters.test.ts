// Issue 20, point 8: feeds that look alike. /all.rss?tag=podcast and ?tag=news&not=trump were both
// titled "Morning Tidings"; ?tag=Europe (the label the site shows) returned nothing, and
// /tags/Europe was a plain-text 404 without the site around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entry, startSite, type TestSite } from './site.js';

let site: TestSite;
const tag = (label: string) => ({ slug: label.toLowerCase().replace(/ /g, '-'), label });

beforeAll(async () => {
  site = await startSite(
    'site: {title: Morning Tidings, baseUrl: "https://news.example.org"}\nsources:\n  - {name: desk, type: seeds, path: d}\n',
    {
      desk: [
        entry({ identity: 'a', title: 'Episode one', tags: [tag('Podcast')] }),
        entry({
          identity: 'b',
          title: 'Trump visits Europe',
          tags: [tag('News'), tag('Europe')],
          content: '<p>Trump in Brussels.</p>',
        }),
        entry({ identity: 'c', title: 'Europe votes', tags: [tag('News'), tag('Europe'), tag('World news')] }),
      ],
    },
  );
});
afterAll(() => site.close());

const titleOf = (xml: string) => /<channel>\s*<title>([^<]*)<\/title>/.exec(xml)?.[1];

describe('filtered feeds', () => {
  it('are titled by their filter', async () => {
    const podcast = (await site.get('/all.rss?tag=podcast')).body;
    const news = (await site.get('/all.rss?tag=news&not=trump')).body;
    expect(titleOf(podcast)).toBe('Morning Tidings · tagged podcast');
    expect(titleOf(news)).toBe('Morning Tidings · tagged news without trump');
    expect(titleOf((await site.get('/all.rss')).body)).toBe('Morning Tidings');
    expect(JSON.parse((await site.get('/all.json?tag=podcast')).body).title).toBe('Morning Tidings · tagged podcast');
  });

  it.each(['Europe', 'europe', 'EUROPE'])('match a tag by its label or its slug: ?tag=%s', async (value) => {
    const feed = (await site.get(`/all.rss?tag=${value}`)).body;
    expect(feed.match(/<item>/g)).toHaveLength(2);
  });

  it('match a tag of several words by its label', async () => {
    expect((await site.get('/all.rss?tag=World%20news')).body.match(/<item>/g)).toHaveLength(1);
  });
});

describe('tag pages', () => {
  it('answer the label as the slug: /tags/Europe', async () => {
    const res = await site.get('/tags/Europe');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Europe votes');
    expect((await site.get('/tags/World%20news.rss')).statusCode).toBe(200);
  });

  it('a missing one is a 404 page of the site, with its header and links', async () => {
    const res = await site.get('/tags/Atlantis');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<header>');
    expect(res.body).toContain('<base href="https://news.example.org/">');
    expect(res.body).toContain('href="tags.html"');
    expect(res.body).not.toContain('Atlantis');
    expect((await site.get('/no/such/thing')).body).toContain('<h1>Not found</h1>');
  });
});
