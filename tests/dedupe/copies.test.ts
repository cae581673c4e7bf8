// Copies that the text alone cannot find, end to end in both stores: the same document under two
// identities of one source, teaser-only wire copies found by their headlines, and what stays apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { Article } from '../../src/model.js';
import { refreshAll } from '../../src/refresh-all.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';

const story = (name: string) =>
  readFileSync(join(FIXTURES, 'dedupe/stories', `${name}.txt`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
const seed = (name: string, stamp: string, tags: string) => `${story(name).join('\n')}\n${stamp}\n${tags}\n`;
const rss = (items: { title: string; link: string; date: string; body: string }[]) =>
  `<rss version="2.0"><channel><title>f</title>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>${i.link}</link><pubDate>${i.date}</pubDate><description><![CDATA[${i.body}]]></description></item>`,
    )
    .join('')}</channel></rss>`;

const work = new WorkerPool();
afterAll(() => work.close());

forEachStore((kind) => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(await kind.location());
  });
  afterEach(() => store.close());

  const refresh = async (tree: Record<string, string>, sources: string) => {
    writeTree(dir, { ...tree, 'tidings.yaml': `fetch: {concurrency: 1}\nsources:\n${sources}` });
    const file = join(dir, 'tidings.yaml');
    await refreshAll({ config: parseConfig(readFileSync(file, 'utf8'), file), store, work, log: silentLogger });
    return store.articles({ limit: 100 });
  };
  const storyOf = (articles: Article[], title: string) => articles.find((a) => a.title === title)!.story;

  describe('within one source', () => {
    it('a byte-identical copy under another file name is one story; a different document is not', async () => {
      const wire = seed('flood-evacuation', '2024-03-05 10:00:00', '#Riverside #flood');
      const articles = await refresh(
        {
          'wire/flood.txt': wire,
          'wire/flood-copy.txt': wire,
          'wire/cup.txt': seed('cup-final', '2024-03-05 11:00:00', '#cup #final #report'),
        },
        '  - {name: wire, type: seeds, path: wire}\n',
      );
      expect(articles).toHaveLength(3);
      const flood = articles.filter((a) => a.title === 'Riverside flood');
      expect(flood).toHaveLength(2);
      expect(flood[0]!.story).toBe(flood[1]!.story);
      expect(storyOf(articles, 'cup final report')).not.toBe(flood[0]!.story);
    });

    it('a copy stored later, under a new identity, joins the stored one', async () => {
      const wire = seed('flood-evacuation', '2024-03-05 10:00:00', '#Riverside #flood');
      const sources = '  - {name: wire, type: seeds, path: wire}\n';
      const [first] = await refresh({ 'wire/flood.txt': wire }, sources);
      const articles = await refresh({ 'wire/flood.txt': wire, 'wire/again.txt': wire }, sources);
      expect(articles.map((a) => a.story)).toEqual([first!.story, first!.story]);
    });

    it('two items with one title and no text stay two', async () => {
      const feed = rss([
        {
          title: 'Evening podcast episode',
          link: 'https://pod.example/1',
          date: 'Tue, 05 Mar 2024 08:00:00 GMT',
          body: '',
        },
        {
          title: 'Evening podcast episode',
          link: 'https://pod.example/2',
          date: 'Tue, 05 Mar 2024 09:00:00 GMT',
          body: '',
        },
      ]);
      const articles = await refresh({ 'pod.xml': feed }, '  - {name: pod, type: file, path: pod.xml}\n');
      expect(new Set(articles.map((a) => a.story)).size).toBe(2);
    });
  });

  describe('teasers across sources', () => {
    const sources = '  - {name: reuters, type: file, path: a.xml}\n  - {name: express, type: file, path: b.xml}\n';
    const teaser = (title: string, link: string, date: string, body = '') => ({ title, link, date, body });

    it('a same-day near-identical headline of two outlets, with little or no text, is one story; other headlines stay apart', async () => {
      const articles = await refresh(
        {
          'a.xml': rss([
            teaser(
              'Pakistan expels Iranian ambassador after deadly airstrikes',
              'https://wire.example/pk',
              'Wed, 17 Jan 2024 10:00:00 GMT',
            ),
            teaser(
              'Northgate women retain national football title',
              'https://wire.example/cup',
              'Wed, 17 Jan 2024 10:00:00 GMT',
              '<p>A late winner.</p>',
            ),
            teaser(
              'Central bank holds interest rates steady',
              'https://wire.example/rates',
              'Mon, 15 Jan 2024 09:00:00 GMT',
            ),
          ]),
          'b.xml': rss([
            teaser(
              'Pakistan expels Iranian ambassador after deadly air strikes',
              'https://daily.example/a1',
              'Wed, 17 Jan 2024 13:00:00 GMT',
              '<p>Islamabad acts.</p>',
            ),
            teaser(
              'Northgate men lose national football final',
              'https://daily.example/a2',
              'Wed, 17 Jan 2024 12:00:00 GMT',
            ),
            // The same headline three days later: another day's story.
            teaser(
              'Central bank holds interest rates steady',
              'https://daily.example/a3',
              'Thu, 18 Jan 2024 09:00:00 GMT',
            ),
          ]),
        },
        sources,
      );
      expect(storyOf(articles, 'Pakistan expels Iranian ambassador after deadly air strikes')).toBe(
        storyOf(articles, 'Pakistan expels Iranian ambassador after deadly airstrikes'),
      );
      expect(storyOf(articles, 'Northgate men lose national football final')).not.toBe(
        storyOf(articles, 'Northgate women retain national football title'),
      );
      expect(new Set(articles.filter((a) => a.title.startsWith('Central bank')).map((a) => a.story)).size).toBe(2);
      expect(new Set(articles.map((a) => a.story)).size).toBe(5);
    });
  });
});

// Stories that merge: two edits of one wire story that fall short of the rule with each other (new
// leads, a third of the paragraphs in common) are two stories until the whole story bridges them.
forEachStore((kind) => {
  let dir: string;
  let location: string;
  beforeEach(async () => {
    dir = tempDir();
    location = await kind.location();
  });

  const port = story('port-strike');
  const doc = (paragraphs: string[], stamp: string, tags: string) => `${paragraphs.join('\n')}\n${stamp}\n${tags}\n`;
  const withLead = (lead: string, paragraphs: string[]) => [
    `${lead} ${paragraphs[0]!.replace(/^.*?[.!?]\s+/, '')}`,
    ...paragraphs.slice(1),
  ];
  const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', location]);
  const listed = async () =>
    (await cli('articles', '--json', '--limit', '100')).out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Article & { story: string });

  it('two edits of one story merge when the full story bridges them; explain says when and why', async () => {
    writeTree(dir, {
      'a/port.txt': doc(
        withLead('Dockworkers at Eastmouth walked out at dawn.', port.slice(0, 6)),
        '2024-03-05 08:00:00',
        '#port #strike #walkout',
      ),
      'b/port.txt': doc(
        withLead('Ships queued outside Eastmouth on Tuesday night.', port.slice(3, 12)),
        '2024-03-05 09:00:00',
        '#port #strike #ships',
      ),
      'c/.keep': '',
      'tidings.yaml':
        'fetch: {concurrency: 1}\nsources:\n  - {name: a, type: seeds, path: a}\n  - {name: b, type: seeds, path: b}\n  - {name: c, type: seeds, path: c}\n',
    });
    expect((await cli('refresh')).code).toBe(0);
    const before = await listed();
    expect(new Set(before.map((a) => a.story)).size).toBe(2);

    writeTree(dir, { 'c/port.txt': doc(port, '2024-03-05 10:00:00', '#port #strike #full') });
    expect((await cli('refresh')).code).toBe(0);
    const after = await listed();
    expect(new Set(after.map((a) => a.story)).size).toBe(1);
    const story = after[0]!.story;
    const full = after.find((a) => a.source === 'c')!;
    const merged = before.map((a) => a.story).find((s) => s !== story)!;

    const explained = (await cli('explain', full.id)).out;
    expect(explained).toContain(`story ${story}: 3 articles`);
    expect(explained).toMatch(
      new RegExp(
        `story ${merged} merged into it when ${full.id} matched \\w+ and \\w+ \\(the text it shares with each overlaps (0\\.\\d\\d|1\\.00), at least 0\\.4 needed, or both carry its first paragraph, or they are teaser copies\\)`,
      ),
    );
  });

  it.each([
    ['two unrelated stories whole', (p: string[]) => p],
    ['two one-paragraph briefs, a paragraph each', (p: string[]) => [p.join(' ')]],
  ])('a digest carrying %s joins one of them and merges nothing', async (_, shape) => {
    const cup = shape(story('cup-final'));
    const floods = shape(story('pakistan-floods'));
    writeTree(dir, {
      'a/cup.txt': doc(cup, '2024-03-05 08:00:00', '#cup #final #report'),
      'b/floods.txt': doc(floods, '2024-03-05 09:00:00', '#Pakistan #floods #report'),
      'c/digest.txt': doc([...cup, ...floods], '2024-03-05 10:00:00', '#morning #digest #news'),
      'tidings.yaml':
        'fetch: {concurrency: 1}\nsources:\n  - {name: a, type: seeds, path: a}\n  - {name: b, type: seeds, path: b}\n  - {name: c, type: seeds, path: c}\n',
    });
    expect((await cli('refresh')).code).toBe(0);
    const articles = await listed();
    expect(new Set(articles.map((a) => a.story)).size).toBe(2);
    const digest = articles.find((a) => a.source === 'c')!;
    expect(articles.filter((a) => a.story === digest.story)).toHaveLength(2);
    expect((await cli('explain', digest.id)).out).not.toContain('merged into it');
  });
});
