// tidings articles (list, --search, --duplicates), explain and purge.
import type { Context } from '../cli.js';
import { errorMessage, UsageError } from '../errors.js';
import type { Article } from '../model.js';

function articleLine(a: Article): string {
  return `${a.published.toISOString().slice(0, 16).replace('T', ' ')}  ${a.id}  ${a.source}  ${a.title}`;
}

function duplicatesCommand(ctx: Context, json: boolean): number {
  const { store } = ctx.open();
  const groups = store.duplicateGroups();
  if (json) {
    for (const g of groups)
      ctx.print(JSON.stringify({ story: g.story, members: g.members.map((m) => ({ id: m.article.id, source: m.article.source, title: m.article.title, published: m.article.published, ...m.link })) }));
    return 0;
  }
  for (const g of groups) {
    ctx.print(`story ${g.story} (${g.members.length} articles)`);
    for (const { article, link } of g.members) {
      const rule = link.rule ? `${link.rule} match with ${link.matchedWith}${link.rule === 'near' ? `, overlap ${link.score?.toFixed(2)}` : ''}` : 'first seen';
      const how = `${link.canonical ? 'canonical, ' : ''}${rule}`;
      ctx.print(`  ${article.id}  ${article.source}  ${article.published.toISOString().slice(0, 16).replace('T', ' ')}  ${article.title}  [${how}]`);
    }
  }
  if (!groups.length) ctx.io.err.write('no duplicates\n');
  return 0;
}

export function explainCommand(ctx: Context, id: string): number {
  const { store } = ctx.open();
  const article = store.getArticle(id);
  const link = store.stories.linkOf(id);
  if (!article || !link) throw new UsageError(`no article with id ${id} (see tidings articles)`);
  const members = store.carriersOf(id);
  ctx.print(`${article.id}: "${article.title}" from ${article.source}, published ${article.published.toISOString()}`);
  if (!link.rule) {
    const joined = members.filter((m) => store.stories.linkOf(m.id)?.matchedWith === article.id).map((m) => m.id);
    ctx.print(joined.length ? `started the story; ${joined.join(', ')} joined it` : 'not merged with anything');
  }
  else {
    const rule = { url: 'rule 2, the same canonical URL', fingerprint: 'rule 3, the same content fingerprint', near: 'rule 4, a near duplicate' }[link.rule];
    const distance = link.rule === 'near' ? `: ${((link.score ?? 0) * 100).toFixed(0)}% of the shorter text's word 3-shingles shared (distance ${(1 - (link.score ?? 0)).toFixed(2)})` : ' (distance 0)';
    ctx.print(`merged by ${rule} with ${link.matchedWith}${distance}`);
  }
  ctx.print(`story ${link.story}: ${members.length} article${members.length === 1 ? '' : 's'}; ${link.canonical ? 'this is the canonical one' : `canonical: ${members.find((m) => store.stories.linkOf(m.id)?.canonical)?.id ?? '?'}`}`);
  for (const m of members) ctx.print(`  ${m.id}  ${m.source}  ${m.published.toISOString()}  ${m.title}`);
  return 0;
}

export function purgeCommand(ctx: Context, dryRun: boolean): number {
  const { config, store } = ctx.open();
  const { maxAgeDays, maxPerSource } = config.retention;
  if (!maxAgeDays && !maxPerSource) {
    ctx.print(`nothing to purge: retention.maxAgeDays and retention.maxPerSource are 0 (keep everything) in ${config.file}`);
    return 0;
  }
  const now = new Date();
  const ids = store.expiredArticles(config.retention, now);
  if (dryRun) {
    ctx.print(`${ids.length} articles would be purged`);
    return 0;
  }
  ctx.print(`purged ${store.deleteArticles(ids, now)} articles (maxAgeDays ${maxAgeDays}, maxPerSource ${maxPerSource})`);
  return 0;
}

export function articlesCommand(ctx: Context, opts: { tag?: string; source?: string; limit?: number; json?: boolean; duplicates?: boolean; search?: string; since?: Date }): number {
  if (opts.duplicates) return duplicatesCommand(ctx, Boolean(opts.json));
  const { config, store } = ctx.open();
  if (opts.source && !config.sources.some((s) => s.name === opts.source)) throw new UsageError(`unknown source: ${opts.source} (see ${config.file})`);
  let articles: Article[];
  if (opts.search !== undefined) {
    try {
      articles = store.search(opts.search, { tag: opts.tag, source: opts.source, since: opts.since, limit: opts.limit ?? 20 });
    } catch (err) {
      throw new UsageError(`bad search query ${JSON.stringify(opts.search)}: ${errorMessage(err)} (words, "phrases", prefix*, AND, OR, NOT)`);
    }
  } else {
    articles = store.listArticles({ tag: opts.tag, source: opts.source, limit: opts.limit ?? 20 }).filter((a) => !opts.since || a.published >= opts.since);
  }
  if (opts.json) {
    for (const a of articles) ctx.print(JSON.stringify({ ...a, tags: a.tags }));
  } else {
    for (const a of articles) ctx.print(articleLine(a));
    if (!articles.length) ctx.io.err.write('no articles\n');
  }
  return 0;
}
