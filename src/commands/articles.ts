// tidings articles: stored articles, newest first; --search over the full-text index; --duplicates.
import { errorMessage, UsageError } from '../errors.js';
import { formatWallClock } from '../lib/dates.js';
import type { Article } from '../model.js';
import type { DuplicateGroup } from '../store/store.js';
import type { Session } from '../session/session.js';
import { plural } from '../lib/plural.js';

export interface ArticlesArgs {
  tag?: string;
  source?: string;
  limit?: number;
  json?: boolean;
  duplicates?: boolean;
  events?: boolean;
  search?: string;
  since?: Date;
}

/** One article on a line, its time in `zone` (site.timezone) with the zone named. */
export const articleLine = (a: Article, zone = 'UTC') =>
  `${formatWallClock(a.published, zone)}  ${a.id}  ${a.source}  ${a.title}`;

async function duplicates(session: Session, json: boolean): Promise<number> {
  // Loaded here: listing articles needs neither the near-duplicate rule nor the fingerprinting it measures with.
  const [{ describeFigures }, { describeRule, figuresOf }] = await Promise.all([
    import('../dedupe/near-rule.js'),
    import('./explain.js'),
  ]);
  const { dedupe } = session.config();
  const store = await session.store();
  const groups = await store.duplicateGroups();
  // Near duplicates carry the figures that merged them, measured again on the stored shingles.
  const figures = async (m: DuplicateGroup['members'][number]) =>
    m.link.rule === 'near' && m.link.matchedWith
      ? await figuresOf(store, m.article.id, m.link.matchedWith, dedupe)
      : undefined;
  if (json) {
    for (const g of groups) {
      const members = await Promise.all(
        g.members.map(async (m) => ({
          id: m.article.id,
          source: m.article.source,
          title: m.article.title,
          published: m.article.published,
          ...m.link,
          figures: await figures(m),
        })),
      );
      session.print(JSON.stringify({ story: g.story, members }));
    }
    return 0;
  }
  if (groups.length) session.print(`near duplicates: ${describeRule(dedupe)}`);
  for (const g of groups) {
    session.print(`story ${g.story} (${plural(g.members.length, 'article')})`);
    for (const m of g.members) {
      const { article, link } = m;
      const f = await figures(m);
      const rule = link.rule
        ? `${link.rule} match with ${link.matchedWith}${link.rule === 'near' ? `, ${f ? describeFigures(f) : `containment ${link.score?.toFixed(2)}`}` : ''}`
        : 'first seen';
      const how = `${link.canonical ? 'canonical, ' : ''}${rule}`;
      session.print(
        `  ${article.id}  ${article.source}  ${formatWallClock(article.published, session.config().site.timezone)}  ${article.title}  [${how}]`,
      );
    }
  }
  if (!groups.length) session.io.err.write('no duplicates\n');
  return 0;
}

export async function articlesCommand(session: Session, opts: ArticlesArgs): Promise<number> {
  const config = session.config();
  if (opts.duplicates) return duplicates(session, Boolean(opts.json));
  if (opts.events) return (await import('./events.js')).listEvents(session, Boolean(opts.json));
  const store = await session.store();
  if (opts.source && !config.sources.some((s) => s.name === opts.source))
    throw new UsageError(`unknown source: ${opts.source} (see ${config.file})`);
  let articles: Article[];
  if (opts.search !== undefined) {
    try {
      articles = await store.filterArticles({
        query: opts.search,
        tag: opts.tag,
        source: opts.source,
        since: opts.since,
        limit: opts.limit ?? 20,
      });
    } catch (err) {
      throw new UsageError(
        `bad search query ${JSON.stringify(opts.search)}: ${errorMessage(err)} (words, "phrases", prefix*, AND, OR, NOT)`,
      );
    }
  } else {
    articles = (await store.articles({ tag: opts.tag, source: opts.source, limit: opts.limit ?? 20 })).filter(
      (a) => !opts.since || a.published >= opts.since,
    );
  }
  if (opts.json) {
    const events = await store.eventMemberships(articles.map((a) => a.id));
    for (const a of articles) session.print(JSON.stringify({ ...a, event: events.get(a.id)?.event }));
  } else {
    for (const a of articles) session.print(articleLine(a, config.site.timezone));
    if (!articles.length) session.io.err.write('no articles\n');
  }
  return 0;
}
