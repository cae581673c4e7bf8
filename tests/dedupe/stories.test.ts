// Cross-source dedupe end to end: rules 2–4, canonical choice, feeds, pages, tombstones, retention.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';

const story = (name: string) =>
  readFileSync(join(FIXTURES, 'dedupe/stories', `${name}.txt`), 'utf8')
    .trim()
    .split('\n');
const seed = (name: string, stamp: string, tags: string, edit: (p: string[]) => string[] = (p) => p) =>
  `${edit(story(name).slice(1)).join('\n')}\n${stamp}\n${tags}\n`;

const rss = (items: { title: string; link: string; date: string; body: string; cats?: string[] }[]) =>
  `<rss version="2.0"><channel><title>f</title>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>${i.link}</link><pubDate>${i.date}</pubDate><description><![CDATA[${i.body}]]></description>${(i.cats ?? []).map((c) => `<category>${c}</category>`).join('')}</item>`,
    )
    .join('')}</channel></rss>`;

let dir: string;
const work = new WorkerPool();
afterAll(() => work.close());

forEachStore((kind) => {
  let store: Store;
  let location: string;

  // One source at a time, in this order: which of two articles "joined" a story depends on which was
  // stored first, and local sources are read by the workers as concurrently as remote ones.
  const CONFIG = (extra = '') => `${extra}fetch: {concurrency: 1}
sources:
  - {name: wire, type: seeds, path: wire}
  - {name: local, type: seeds, path: local}
  - {name: feed-a, type: file, path: a.xml}
  - {name: feed-b, type: file, path: b.xml}
`;

  beforeEach(async () => {
    dir = tempDir();
    const body = story('wind-farm')
      .slice(1)
      .map((p) => `<p>${p}</p>`)
      .join('');
    writeTree(dir, {
      // The same flood story: the local paper's lightly edited copy was published an hour earlier.
      'wire/flood.txt': seed('flood-evacuation', '2024-03-05 10:00:00', '#Riverside #flood'),
      'local/flood.txt': seed('flood-evacuation', '2024-03-05 09:00:00', '#riverside #Wend', (p) => [
        p[0]!.replace('Emergency crews', 'Rescue crews'),
        ...p.slice(1, 6),
      ]),
      'local/other.txt': seed('cup-final', '2024-03-05 12:00:00', '#Riverside #football'),
      // Two feeds: one story under the same URL (tracking parameters aside), one under the same text.
      'a.xml': rss([
        {
          title: 'Wind farm opens',
          link: 'https://news.example/wind?utm_source=a',
          date: 'Tue, 05 Mar 2024 08:00:00 GMT',
          body,
          cats: ['energy'],
        },
        {
          title: 'Gas prices fall',
          link: 'https://news.example/gas',
          date: 'Tue, 05 Mar 2024 08:00:00 GMT',
          body: story('gas-prices').slice(1).join(' '),
        },
      ]),
      'b.xml': rss([
        {
          title: 'Seagate goes live',
          link: 'https://news.example/wind#top',
          date: 'Tue, 05 Mar 2024 09:00:00 GMT',
          body: '<p>Short teaser.</p>',
        },
        {
          title: 'Gas prices fall',
          link: 'https://other.example/gas-story',
          date: 'Tue, 05 Mar 2024 07:00:00 GMT',
          body: story('gas-prices').slice(1).join(' '),
        },
      ]),
      'tidings.yaml': CONFIG(),
    });
    location = await kind.location();
    store = await openStore(location);
  });
  afterEach(() => store.close());

  const config = () => parseConfig(readFileSync(join(dir, 'tidings.yaml'), 'utf8'), join(dir, 'tidings.yaml'));
  const refresh = () => refreshAll({ config: config(), store, work, log: silentLogger });
  const cli = (...args: string[]) => runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', location]);

  describe('stories across sources', () => {
    it('merges by URL, by fingerprint and as near duplicates, and keeps the earliest as canonical', async () => {
      await refresh();
      const groups = await store.duplicateGroups();
      const byRule = Object.fromEntries(
        groups.map((g) => [g.members.find((m) => m.link.rule)!.link.rule!, g] as const),
      );
      expect(Object.keys(byRule).sort()).toEqual(['fingerprint', 'near', 'url']);
      // The local copy was published first, so it is canonical although the wire is listed first.
      expect(byRule.near!.members.map((m) => [m.article.source, m.link.canonical])).toEqual([
        ['local', true],
        ['wire', false],
      ]);
      expect(byRule.near!.members.find((m) => m.link.rule)!.link.score).toBeGreaterThan(0.8);
      expect(byRule.url!.members.map((m) => m.article.source)).toEqual(['feed-a', 'feed-b']);
      expect(byRule.fingerprint!.members.map((m) => m.article.source)).toEqual(['feed-b', 'feed-a']);
      expect(await store.count('articles')).toBe(7);
    });

    it('the site and tag feeds show each story once; a source feed shows all of its own', async () => {
      await refresh();
      const ctx = { config: config(), store, log: silentLogger };
      const titles = async (path: string) =>
        (await new Parser().parseString((await renderPath(ctx, path))!.body)).items.map((i) => i.title);
      expect(await titles('all.rss')).toHaveLength(4);
      expect(await titles('tags/riverside.rss')).toEqual(['Riverside football', 'riverside Wend']);
      expect(await titles('sources/wire.rss')).toEqual(['Riverside flood']);
      const wire = (await store.articles({ source: 'wire' }))[0]!;
      const local = (await store.storyCarriers([wire.id])).get(wire.id)!.find((a) => a.source === 'local')!;
      const page = (await renderPath(ctx, `articles/${wire.id}.html`))!.body;
      // Its source, and the other carrier of its story, as relative links.
      expect(page).toContain('href="../sources/wire.html"');
      expect(page).toContain(`href="../articles/${local.id}.html"`);
    });

    it('breaks a tie of publication times by the order of the sources in the configuration', async () => {
      writeFileSync(
        join(dir, 'local/flood.txt'),
        seed('flood-evacuation', '2024-03-05 10:00:00', '#riverside', (p) => [
          p[0]!.replace('Emergency crews', 'Rescue crews'),
          ...p.slice(1),
        ]),
      );
      await refresh();
      const group = (await store.duplicateGroups()).find((g) => g.members.some((m) => m.link.rule === 'near'))!;
      expect(group.members[0]!.article.source).toBe('wire');
    });

    it('labels a tag with its most frequent spelling, and applies tag aliases', async () => {
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG('tagAliases: {wend: river-wend}\n'));
      await refresh();
      expect((await store.tag('riverside'))!.label).toBe('Riverside');
      expect(await store.tag('river-wend')).toEqual({ slug: 'river-wend', label: 'river-wend' });
      expect(await store.tag('wend')).toBeUndefined();
    });

    it('with crossSource off, nothing merges', async () => {
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG('dedupe: {crossSource: false}\n'));
      await refresh();
      expect(await store.duplicateGroups()).toEqual([]);
    });

    it('tidings articles --duplicates and tidings explain say what merged and why', async () => {
      await refresh();
      const dups = await cli('articles', '--duplicates');
      expect(dups.code).toBe(0);
      expect(dups.out).toMatch(/story \w+ \(2 articles\)/);
      expect(dups.out).toMatch(/^near duplicates: rule 4: at least 30 shingles shared/m);
      expect(dups.out).toMatch(
        /near match with \w+, \d+ shingles shared( \(\d+ of them quotation\))?, containment (0\.\d\d|1\.00), \d+ of \d+ paragraphs, leads (0\.\d\d|1\.00), title similarity 0\.\d\d, 0\.0 days apart\]/,
      );
      const localId = (await store.articles({ source: 'local' })).find((a) => a.title === 'riverside Wend')!.id;
      const explain = await cli('explain', localId);
      expect(explain.out).toMatch(
        /merged by rule 4, a near duplicate \(most of the shorter text, spread over its paragraphs\) with \w+: \d+ shingles shared( \(\d+ of them quotation\))?, containment (0\.\d\d|1\.00), \d+ of \d+ paragraphs/,
      );
      expect(explain.out).toMatch(/story \w+: 2 articles; this is the canonical one/);
      const wireId = (await store.articles({ source: 'wire' }))[0]!.id;
      expect((await cli('explain', wireId)).out).toMatch(/started the story; \w+ joined it|in story/);
      // Feeds are read concurrently: whichever of the two came second carries the rule.
      const urlId = (await store.duplicateGroups()).flatMap((g) => g.members).find((m) => m.link.rule === 'url')!
        .article.id;
      expect((await cli('explain', urlId)).out).toContain('merged by rule 2, the same canonical URL');
      expect((await cli('explain', 'nope')).code).toBe(2);
    });
  });

  describe('retention and tombstones', () => {
    it('purge applies maxPerSource, leaves tombstones, and purged articles do not come back', async () => {
      await refresh();
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG('retention: {maxPerSource: 1}\n'));
      const purge = await cli('purge');
      expect(purge.out).toBe('purged 3 articles (maxAgeDays 0, maxPerSource 1)\n');
      expect(await store.count('articles')).toBe(4);
      const again = await refresh();
      expect(again.map((r) => r.new)).toEqual([0, 0, 0, 0]);
      expect(await store.count('articles')).toBe(4);
      // Stories that lost their canonical article got a new one: one canonical article per story.
      const links = await Promise.all((await store.articles()).map((a) => store.storyLink(a.id)));
      expect(links.filter((l) => l!.canonical)).toHaveLength(new Set(links.map((l) => l!.story)).size);
    });

    it('maxAgeDays purges by publication date; 0 keeps everything', async () => {
      await refresh();
      expect((await cli('purge')).out).toMatch(/nothing to purge/);
      writeFileSync(join(dir, 'tidings.yaml'), CONFIG('retention: {maxAgeDays: 30}\n'));
      expect((await cli('purge', '--dry-run')).out).toBe('7 articles would be purged\n');
    });
  });
});
