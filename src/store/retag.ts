// Re-tagging stored articles (new tag rules or aliases, issue 20): which articles' tags change is
// decided here once; each dialect writes the new tags its way (sqlite/ingest.ts, postgres/ingest.ts).
import type { Tag } from '../model.js';
import type { Sql } from './sql.js';

/** A row of article_tags, in order of position, as retagging reads them. */
interface TagRow {
  id: string;
  slug: string;
  label: string;
  published: number | string;
}

/** An article whose tags change: the tags it gets, and its publication time (copied onto its tag rows). */
export interface Retagged {
  id: string;
  tags: Tag[];
  published: Date;
}

/** Each article's tags, in order, and its publication time. */
function groupTags(rows: readonly TagRow[]): Map<string, { tags: Tag[]; published: number }> {
  const byArticle = new Map<string, { tags: Tag[]; published: number }>();
  for (const r of rows) {
    let article = byArticle.get(r.id);
    if (!article) byArticle.set(r.id, (article = { tags: [], published: Number(r.published) }));
    article.tags.push({ slug: r.slug, label: r.label });
  }
  return byArticle;
}

const sameTags = (a: readonly Tag[], b: readonly Tag[]) =>
  a.length === b.length && a.every((t, i) => t.slug === b[i]!.slug && t.label === b[i]!.label);

/** Passes every stored article's tags through `retag`, inside the caller's transaction; the articles whose tags differ. */
export async function retaggedArticles(sql: Sql, retag: (tags: Tag[]) => Tag[]): Promise<Retagged[]> {
  const rows = await sql.all<TagRow>(
    'SELECT article_id AS id, tag AS slug, label, published FROM article_tags ORDER BY article_id, position',
  );
  const changed: Retagged[] = [];
  for (const [id, { tags, published }] of groupTags(rows)) {
    const next = retag(tags);
    if (!sameTags(tags, next)) changed.push({ id, tags: next, published: new Date(published) });
  }
  return changed;
}
