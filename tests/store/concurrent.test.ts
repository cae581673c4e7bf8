// Ingests from two connections to one store at once (two processes, as the daemon and a CLI
// refresh, or two workers): every story stays one story, and no article is stored twice.
import { afterEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { forEachStore } from '../stores.js';

const dedupe = parseConfig('', '/x.yaml').dedupe;

const entry = (identity: string, link: string, n: number) =>
  finished({
    identity,
    title: `Story ${n}`,
    link,
    published: new Date(Date.UTC(2025, 0, 1, 0, n)),
    summary: `Story ${n} as one source told it.`,
    content: `<p>Story ${n} as one source told it.</p>`,
    tags: [{ slug: 'news', label: 'News' }],
    enclosures: [],
  });

forEachStore((kind) => {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('ingests from two connections at once: every story stays one story, no article twice', async () => {
    const location = await kind.location();
    const [a, b] = [await openStore(location), await openStore(location)];
    open.push(a, b);
    const SOURCES = 12;
    const STORIES = 30;
    const now = new Date();
    for (let s = 0; s < SOURCES; s += 1)
      await a.upsertSource({ name: `s${s}`, type: 'feed', location: `https://s${s}.example/feed` }, now, s);
    // Every source carries every story under the same link: the story rule must see the others' rows.
    await Promise.all(
      Array.from({ length: SOURCES }, (_, s) =>
        storeEntries(
          s % 2 ? a : b,
          `s${s}`,
          Array.from({ length: STORIES }, (_, n) => entry(`s${s}-${n}`, `https://news.example/story/${n}`, n)),
          now,
          dedupe,
        ),
      ),
    );
    const articles = await a.articles({ limit: 10_000 });
    expect(articles).toHaveLength(SOURCES * STORIES);
    const stories = new Map<string, Set<string>>();
    for (const article of articles) {
      const link = await a.storyLink(article.id);
      const set = stories.get(article.link!) ?? new Set();
      set.add(link!.story);
      stories.set(article.link!, set);
    }
    expect(stories.size).toBe(STORIES);
    for (const [link, set] of stories) expect([...set], link).toHaveLength(1);
    // Each story has one canonical article, and the tag feed shows each story once.
    expect((await a.duplicateGroups()).every((g) => g.members.filter((m) => m.link.canonical).length === 1)).toBe(true);
    expect(await b.articles({ tag: 'news', stories: true, limit: 10_000 })).toHaveLength(STORIES);
  });
});
