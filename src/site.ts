// The read side's orchestrator: a site path → what the store holds for it → publish renders it.
// `tidings build` writes every path to a folder; `tidings serve` renders a path on first request
// and keeps it until something changes. The same paths in both.
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import type { Article } from './model.js';
import type { FeedSpec } from './publish/feeds.js';
import { FEED_FORMATS } from './publish/feeds.js';
import { articleFile, feedFile, indexFile, listFile, opmlFile, parseSitePath, siteSpec, sourceSpec, sourceTitle, tagSpec, type SiteFile, type SitePath } from './publish/site.js';
import { isPublishedTag } from './publish/urls.js';
import type { Store } from './store/store.js';

export interface SiteContext {
  config: Config;
  store: Store;
  log: Logger;
}

/** Every feed Tidings publishes, site first, then tags by size, then sources in configuration order. */
export async function allSpecs(ctx: SiteContext): Promise<FeedSpec[]> {
  const { config, store } = ctx;
  const tags = (await store.tagCounts()).filter(isPublishedTag);
  return [siteSpec(config), ...tags.map((t) => tagSpec(config, t)), ...config.sources.map((s) => sourceSpec(config, s))];
}

/** A feed's (or its page's) spec and articles; undefined for a tag or source that does not exist. */
async function listAt(ctx: SiteContext, target: Extract<SitePath, { kind: 'feed' | 'page' }>, limit: number): Promise<{ spec: FeedSpec; articles: Article[] } | undefined> {
  const { config, store } = ctx;
  // The site and tag feeds show each story once; a source's feed shows all of its own articles.
  if (target.list === 'all') return { spec: siteSpec(config), articles: await store.articles({ limit, stories: true }) };
  if (target.list === 'tags') {
    const tag = await store.tag(target.key);
    if (!tag || !isPublishedTag(tag)) return undefined;
    return { spec: tagSpec(config, tag), articles: await store.articles({ tag: tag.slug, limit, stories: true }) };
  }
  const source = config.sources.find((s) => s.name === target.key);
  return source && { spec: sourceSpec(config, source), articles: await store.articles({ source: source.name, limit }) };
}

async function articleAt(ctx: SiteContext, id: string): Promise<SiteFile | undefined> {
  const article = await ctx.store.article(id);
  if (!article) return undefined;
  const carriers = (await ctx.store.carriersOf(article.id)).map((a) => {
    const source = ctx.config.sources.find((s) => s.name === a.source);
    return { source: a.source, title: source ? sourceTitle(source) : a.source, link: a.link };
  });
  return articleFile(article, carriers, ctx.config);
}

/** Renders one path of the site; undefined when there is no such thing. */
export async function renderPath(ctx: SiteContext, path: string, limit = ctx.config.site.itemsPerFeed): Promise<SiteFile | undefined> {
  const { config, store } = ctx;
  const target = parseSitePath(path);
  if (!target) return undefined;
  switch (target.kind) {
    case 'index': {
      const [tags, states, articleCount, latest] = await Promise.all([store.tagCounts(), store.fetchStates(), store.count('articles'), store.articles({ limit: 1 })]);
      return indexFile({ tags, states, articleCount, latest }, config);
    }
    case 'opml':
      return opmlFile(await allSpecs(ctx), await store.articles({ limit: 1 }), config);
    case 'article':
      return articleAt(ctx, target.id);
    default: {
      const list = await listAt(ctx, target, limit);
      if (!list) return undefined;
      return target.format === 'html' ? listFile(list.spec, list.articles, config) : feedFile(target.format, list.spec, list.articles, config, ctx.log);
    }
  }
}

/** Every path of the site, for `tidings build`: the feeds, their pages and each article they show. */
export async function sitePaths(ctx: SiteContext): Promise<string[]> {
  const paths = ['index.html', 'subscriptions.opml'];
  for (const tag of (await ctx.store.tagCounts()).filter((t) => !isPublishedTag(t))) {
    ctx.log.warn({ tag: tag.slug }, `tag ${JSON.stringify(tag.slug)}: no file or URL can carry this slug, so it gets no feeds or page`);
  }
  const articles = new Set<string>();
  for (const spec of await allSpecs(ctx)) {
    for (const format of FEED_FORMATS) paths.push(`${spec.path}.${format}`);
    if (spec.path !== 'all') paths.push(`${spec.path}.html`);
    const target = parseSitePath(`${spec.path}.rss`) as Extract<SitePath, { kind: 'feed' }>;
    for (const a of (await listAt(ctx, target, ctx.config.site.itemsPerFeed))?.articles ?? []) articles.add(a.id);
  }
  for (const id of articles) paths.push(`articles/${id}.html`);
  return paths;
}

export async function* renderSite(ctx: SiteContext): AsyncGenerator<[string, SiteFile]> {
  for (const path of await sitePaths(ctx)) {
    const file = await renderPath(ctx, path);
    if (file) yield [path, file];
  }
}
