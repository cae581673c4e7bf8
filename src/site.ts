// The read side's orchestrator: a site path → what the store holds for it → publish renders it.
// `tidings build` writes every path to a folder; `tidings serve` renders a path on first request
// and keeps it until something changes. The same paths in both (the daemon adds searches).
import type { Config, Source } from './config/schema.js';
import { nextFetch as nextFetchOf, nextRun, sourceStatus } from './due.js';
import { SearchQueryError } from './errors.js';
import { slugify } from './lib/text.js';
import type { Logger } from './log.js';
import type { Article, FetchState } from './model.js';
import type { FeedSpec } from './publish/feeds.js';
import type { Carrier, SourceRef, Story } from './publish/html.js';
import type { RiverPage, SourceState } from './publish/pages.js';
import {
  articleFile,
  assetFile,
  describeQuery,
  eventSpec,
  feedFile,
  filteredSpec,
  notFoundFile,
  opmlFile,
  riverFile,
  searchSpec,
  siteSpec,
  sourceSpec,
  sourcesFile,
  sourceTitle,
  tagsFile,
  tagSpec,
  type RenderOptions,
  type SiteFile,
} from './publish/files.js';
import {
  articlePath,
  FEED_FORMATS,
  feedPath,
  listPath,
  pagePath,
  parseRoute,
  queryString,
  routePath,
  type Route,
  type SiteQuery,
} from './publish/routes.js';
import { isPublishedTag } from './publish/urls.js';
import { redactUrls } from './lib/urls.js';
import { forgiveSearch } from './store/search-query.js';
import type { ArticleFilter, Store, TagCount } from './store/store.js';

export interface SiteContext extends RenderOptions {
  config: Config;
  store: Store;
  log: Logger;
  /** The time source pages say the next fetch is from. */
  now?: () => Date;
}

type ListTarget = Extract<Route, { kind: 'feed' | 'page' }>;

/** `tidings build` writes the pages and feeds of this many events (the latest of two or more reports). */
const BUILT_EVENTS = 500;

/** Every feed Tidings publishes, site first, then tags by size, then sources in configuration order. */
async function allSpecs(ctx: SiteContext, listed?: TagCount[]): Promise<FeedSpec[]> {
  const { config, store } = ctx;
  const tags = listed ?? (await store.tagCounts()).filter(isPublishedTag);
  const titles = await feedTitles(ctx);
  return [
    siteSpec(config),
    ...tags.map((t) => tagSpec(config, t)),
    ...config.sources.map((s) => sourceSpec(config, s, titles.get(s.name))),
  ];
}

/** What each source's feed calls itself, for the sources configured without a title: read once per context (a render, a build). */
const titlesOf = new WeakMap<SiteContext, Promise<Map<string, string>>>();
function feedTitles(ctx: SiteContext): Promise<Map<string, string>> {
  let titles = titlesOf.get(ctx);
  if (!titles) {
    titles = ctx.config.sources.every((s) => s.title)
      ? Promise.resolve(new Map())
      : ctx.store
          .fetchStates()
          .then((states) => new Map(states.flatMap((s) => (s.feedTitle ? [[s.name, s.feedTitle] as const] : []))));
    titlesOf.set(ctx, titles);
  }
  return titles;
}

/** The tags /tags and the OPML list: those on at least `site.minTagArticles` articles (one-article tags are noise). */
async function listedTags(ctx: SiteContext): Promise<TagCount[]> {
  return (await ctx.store.tagCounts()).filter((t) => isPublishedTag(t) && t.count >= ctx.config.site.minTagArticles);
}

/** A source the configuration names: a removed one's articles are not published (removed-sources.ts). */
const isConfigured = (ctx: SiteContext, name: string) => ctx.config.sources.some((s) => s.name === name);

const sourceRef = (ctx: SiteContext, name: string, titles: Map<string, string>): SourceRef => {
  const source = ctx.config.sources.find((s) => s.name === name);
  return { name, title: source ? sourceTitle(source, titles.get(name)) : name, linked: Boolean(source) };
};

/**
 * Articles as stories: each with the other articles of its story ("also in"). With `once`, a story
 * met a second time (search results carry every article) is left out.
 */
async function toStories(ctx: SiteContext, articles: Article[], once = false): Promise<Story[]> {
  const carriers = await ctx.store.storyCarriers(articles.map((a) => a.id));
  const titles = await feedTitles(ctx);
  const seen = new Set<string>();
  const stories: Story[] = [];
  for (const article of articles) {
    const all = carriers.get(article.id) ?? [];
    if (once && seen.has(article.id)) continue;
    for (const c of all) seen.add(c.id);
    const also: Carrier[] = all
      .filter((c) => c.id !== article.id && isConfigured(ctx, c.source))
      .map((c) => ({ ...sourceRef(ctx, c.source, titles), id: c.id, link: c.link }));
    stories.push({ article, source: sourceRef(ctx, article.source, titles), also });
  }
  return stories;
}

/**
 * Each event once on the river: where its newest report on the page stands, its lead story (its
 * first report) with "Also reported by" and the other reports' sources, each once. Each report
 * stays its own item in the feeds.
 */
async function eventsOnce(ctx: SiteContext, stories: Story[]): Promise<Story[]> {
  const events = await ctx.store.eventMemberships(stories.map((s) => s.article.id));
  const titles = await feedTitles(ctx);
  const shown = new Set<string>();
  const river: Story[] = [];
  for (const story of stories) {
    const event = events.get(story.article.id)?.event;
    if (event && shown.has(event)) continue;
    const reports = event ? await ctx.store.eventArticles(event) : [];
    const lead = reports.at(-1);
    const [told] = !lead || lead.id === story.article.id ? [story] : await toStories(ctx, [lead]);
    // Copies of the lead story are "also in" already: the others are the independent reports.
    const copies = new Set([told!.article.id, ...told!.also.map((c) => c.id)]);
    const others = reports.filter((r) => !copies.has(r.id) && r.source !== told!.article.source);
    if (!others.length) {
      river.push(story);
      continue;
    }
    shown.add(event!);
    const sources = new Map(others.reverse().map((r) => [r.source, r]));
    const reportedBy = [...sources.values()].map((r) => ({
      ...sourceRef(ctx, r.source, titles),
      id: r.id,
      link: r.link,
    }));
    river.push({ ...told!, event: { id: event!, reports: reports.length, reportedBy } });
  }
  return river;
}

/** A query's filter within a list: a tag's or a source's feed narrowed further, or a search. */
function filterOf(target: ListTarget, query: SiteQuery | undefined): ArticleFilter | undefined {
  if (target.list === 'events') return undefined;
  const source = target.list === 'sources' ? target.key : query?.source;
  if (target.list === 'sources' && query?.source && query.source !== target.key) return undefined;
  // A search is read as peers read it: a stray quote or a lone -word is no error (issue 20).
  const search = query?.q === undefined ? { not: [] } : forgiveSearch(query.q);
  return {
    query: search.query,
    tag: target.list === 'tags' ? target.key : undefined,
    tags: query?.tags,
    source,
    not: [...(query?.not ?? []), ...search.not],
  };
}

/** The spec of a list; undefined for a tag or source that does not exist. */
async function specOf(ctx: SiteContext, target: ListTarget): Promise<FeedSpec | undefined> {
  const { config, store } = ctx;
  if (target.list === 'all') return siteSpec(config);
  if (target.list === 'search') return searchSpec(config, target.query);
  if (target.list === 'events') {
    const lead = (await store.eventArticles(target.key)).at(-1);
    return lead && eventSpec(config, target.key, lead.title);
  }
  if (target.list === 'tags') {
    const tag = await store.tag(target.key);
    return tag && isPublishedTag(tag) ? tagSpec(config, tag) : undefined;
  }
  const source = config.sources.find((s) => s.name === target.key);
  return source && sourceSpec(config, source, (await feedTitles(ctx)).get(source.name));
}

/** `limit` articles of a list from `offset`: each story once on the site and tags, every article of a source. */
async function articlesOf(
  ctx: SiteContext,
  target: ListTarget,
  limit: number,
  offset: number,
  order: 'rank' | 'newest',
): Promise<Article[]> {
  const { store } = ctx;
  const query = target.query;
  if (target.list === 'search' || query) {
    const filter = filterOf(target, query);
    return filter ? store.filterArticles({ ...filter, order, limit, offset }) : [];
  }
  if (target.list === 'all') return store.articles({ limit, offset, stories: true });
  if (target.list === 'tags') return store.articles({ tag: target.key, limit, offset, stories: true });
  if (target.list === 'events') return store.eventArticles(target.key, limit, offset);
  return store.articles({ source: target.key, limit, offset });
}

async function feedAt(
  ctx: SiteContext,
  target: Extract<Route, { kind: 'feed' }>,
  limit: number,
): Promise<SiteFile | undefined> {
  const spec = await specOf(ctx, target);
  if (!spec) return undefined;
  const filtered = target.list === 'search' || target.query !== undefined;
  let articles = await articlesOf(ctx, target, limit, 0, 'newest');
  // A filtered list carries every matching article: each story once, as on the site's feed.
  if (filtered && target.list !== 'sources') articles = (await toStories(ctx, articles, true)).map((s) => s.article);
  const titled = target.list === 'search' ? spec : filteredSpec(spec, target.query);
  return feedFile(target.format, titled, articles, ctx.config, ctx.log, ctx, queryString(target.query));
}

function sourceState(ctx: SiteContext, source: Source, state: FetchState | undefined): SourceState {
  const { config } = ctx;
  const now = ctx.now?.() ?? new Date();
  let nextFetch: Date | undefined;
  let nextFetchWhy: string | undefined;
  if (source.type === 'feed') {
    const next = nextFetchOf(
      state,
      source.schedule,
      { schedule: config.schedule, minInterval: config.fetch.minInterval, maxInterval: config.fetch.maxInterval },
      now,
    );
    [nextFetch, nextFetchWhy] = [next.at, next.why];
  } else [nextFetch, nextFetchWhy] = [nextRun(config.schedule, now), 'local sources are read at every tick'];
  return {
    status: sourceStatus(state),
    lastCheck: state?.lastCheck,
    lastSuccess: state?.lastSuccess,
    httpStatus: state?.lastStatus,
    // Public: a private feed's key in its URL (or a password) must not reach the page with an error.
    lastError: state?.consecutiveErrors || state?.gone ? state.lastError && redactUrls(state.lastError) : undefined,
    consecutiveErrors: state?.consecutiveErrors ?? 0,
    nextFetch: state?.gone ? undefined : nextFetch,
    nextFetchWhy: state?.gone ? 'never: the feed is gone (tidings sources enable fetches it again)' : nextFetchWhy,
    articles: state?.articles ?? 0,
  };
}

async function pageAt(ctx: SiteContext, target: Extract<Route, { kind: 'page' }>): Promise<SiteFile | undefined> {
  const { config } = ctx;
  const spec = await specOf(ctx, target);
  if (!spec) return undefined;
  const per = config.site.itemsPerPage;
  const isSearch = target.list === 'search';
  let found: Article[] = [];
  let notice: string | undefined;
  if (!isSearch || target.query) {
    try {
      found = await articlesOf(ctx, target, per + 1, (target.page - 1) * per, 'rank');
    } catch (err) {
      if (!(err instanceof SearchQueryError)) throw err;
      notice = `Tidings cannot read the search ${JSON.stringify(target.query?.q ?? '')}: ${err.message}. Try words, "a phrase", prefix*, AND, OR, NOT or -word, and ( ).`;
    }
  }
  if (target.page > 1 && !found.length) return undefined;
  let stories = await toStories(ctx, found.slice(0, per), isSearch);
  if (target.list === 'all' || target.list === 'tags') stories = await eventsOnce(ctx, stories);
  const at = (page: number) => ({
    path: pagePath(target.list, target.key, page),
    query: isSearch ? queryString(target.query, page) : undefined,
  });
  const path = pagePath(target.list, target.key, target.page);
  const page: RiverPage = {
    heading: isSearch
      ? target.query
        ? `Search: ${describeQuery(target.query)}`
        : 'Search'
      : target.list === 'all'
        ? config.site.title
        : spec.title.split(' · ').at(-1)!,
    intro: target.list === 'all' ? config.site.description : isSearch ? undefined : spec.description,
    feed: spec,
    feedQuery: isSearch ? queryString(target.query) : undefined,
    stories,
    pages: {
      prev: target.page > 1 ? at(target.page - 1) : undefined,
      next: found.length > per ? at(target.page + 1) : undefined,
    },
    empty: isSearch
      ? target.query
        ? 'Nothing matches.'
        : 'Type a few words to search every article.'
      : 'No articles yet.',
    notice,
    grouped: !isSearch,
  };
  if (target.list === 'sources') {
    const source = config.sources.find((s) => s.name === target.key)!;
    page.state = sourceState(ctx, source, await ctx.store.fetchState(source.name));
  }
  const title = target.list === 'all' ? config.site.title : `${page.heading} · ${config.site.title}`;
  return riverFile(
    path,
    page,
    target.page > 1 ? `${title} (page ${target.page})` : title,
    config,
    ctx,
    found.length > per && !isSearch ? at(target.page + 1).path : undefined,
    target.query?.q,
  );
}

async function articleAt(ctx: SiteContext, id: string): Promise<SiteFile | undefined> {
  const article = await ctx.store.article(id);
  if (!article || !isConfigured(ctx, article.source)) return undefined;
  const [story] = await toStories(ctx, [article]);
  return articleFile(story!, ctx.config, ctx);
}

/** A tag's list named by its label (/tags/Europe, as pages show it) is its slug's (/tags/europe). */
async function withTagSlug(ctx: SiteContext, target: ListTarget): Promise<ListTarget> {
  if (target.list !== 'tags' || (await ctx.store.tag(target.key))) return target;
  const slug = slugify(target.key);
  return slug && slug !== target.key ? { ...target, key: slug } : target;
}

/** Renders one path of the site (a query after "?" for searches and filtered feeds); undefined when there is no such thing. */
export async function renderPath(
  ctx: SiteContext,
  path: string,
  limit = ctx.config.site.itemsPerFeed,
): Promise<SiteFile | undefined> {
  const { config, store } = ctx;
  const parsed = parseRoute(path);
  if (!parsed) return undefined;
  const target = parsed.kind === 'feed' || parsed.kind === 'page' ? await withTagSlug(ctx, parsed) : parsed;
  switch (target.kind) {
    case 'asset':
      return assetFile(target.name);
    case 'missing':
      return notFoundFile(config, ctx);
    case 'opml':
      return opmlFile(await allSpecs(ctx, await listedTags(ctx)), await store.articles({ limit: 1 }), config, ctx);
    case 'tags':
      return tagsFile(await listedTags(ctx), await store.articles({ limit: 1 }), config, ctx);
    case 'sources': {
      const states = new Map((await store.fetchStates()).map((s) => [s.name, s]));
      const sources = config.sources.map((s) => ({
        name: s.name,
        title: sourceTitle(s, states.get(s.name)?.feedTitle),
        linked: true,
        state: sourceState(ctx, s, states.get(s.name)),
      }));
      return sourcesFile(sources, await store.articles({ limit: 1 }), config, ctx);
    }
    case 'article':
      return articleAt(ctx, target.id);
    case 'feed':
      return feedAt(ctx, target, limit);
    case 'page':
      return pageAt(ctx, target);
  }
}

/** The fixed paths of the site, for `tidings build`: the feeds and lists; pages and articles follow. */
async function sitePaths(ctx: SiteContext): Promise<string[]> {
  const fixed: Route[] = [
    { kind: 'asset', name: 'style.css' },
    { kind: 'asset', name: 'favicon.svg' },
    { kind: 'opml' },
    { kind: 'tags' },
    { kind: 'sources' },
    { kind: 'missing' },
  ];
  const paths = fixed.map(routePath);
  for (const tag of (await ctx.store.tagCounts()).filter((t) => !isPublishedTag(t))) {
    ctx.log.warn(
      { tag: tag.slug },
      `tag ${JSON.stringify(tag.slug)}: no file or URL can carry this slug, so it gets no feeds or page`,
    );
  }
  for (const spec of await allSpecs(ctx)) for (const format of FEED_FORMATS) paths.push(feedPath(spec.path, format));
  return paths;
}

/** The first page of the list whose feeds are at `path` ("tags/x" → "tags/x.html", "all" → "index.html"). */
function firstPage(path: string): string | undefined {
  const feed = parseRoute(feedPath(path, 'rss'));
  return feed?.kind === 'feed' ? pagePath(feed.list, feed.key) : undefined;
}

/** Every page of a list from its first, each page naming the next. */
async function* pagesFrom(ctx: SiteContext, first: string | undefined): AsyncGenerator<[string, SiteFile]> {
  for (let path = first; path; ) {
    const file = await renderPath(ctx, path);
    if (!file) return;
    yield [path, file];
    path = file.next;
  }
}

/** Every file of the site: the fixed paths, every page of every river, the latest events, and every article's page. */
export async function* renderSite(ctx: SiteContext): AsyncGenerator<[string, SiteFile]> {
  for (const path of await sitePaths(ctx)) {
    const file = await renderPath(ctx, path);
    if (file) yield [path, file];
  }
  for (const spec of await allSpecs(ctx)) yield* pagesFrom(ctx, firstPage(spec.path));
  for (const event of await ctx.store.latestEvents(2, BUILT_EVENTS)) {
    yield* pagesFrom(ctx, pagePath('events', event.id));
    for (const path of FEED_FORMATS.map((f) => feedPath(listPath('events', event.id), f))) {
      const file = await renderPath(ctx, path);
      if (file) yield [path, file];
    }
  }
  for (const article of await ctx.store.articles()) {
    const path = articlePath(article.id);
    const file = await renderPath(ctx, path);
    if (file) yield [path, file];
  }
}
