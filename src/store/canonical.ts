// Each story's canonical article: the earliest published of a source still configured, ties going
// to the source listed first in the configuration, then to the smaller id; a removed source's
// article only when the story has no other. Both stores rank by this rule, in SQL and in code.
import type { Sql } from './sql.js';

export interface Rank {
  rowid: number;
  /** Its source was removed from the configuration (1/true). */
  removed: number | boolean;
  published: number;
  position: number;
  id: string;
}

/** The rule as SQL: `ORDER BY` this, first is canonical (articles as `b`, their sources as `s`). */
const CANONICAL_ORDER = 's.removed_at IS NOT NULL, b.published, s.position, b.id';
const RANK = `SELECT b.rowid AS rowid, s.removed_at IS NOT NULL AS removed, b.published AS published, s.position AS position, b.id AS id
  FROM articles b JOIN sources s ON s.name = b.source`;

/** The rule in code: `a` comes before `b`. */
function ranksBefore(a: Rank, b: Rank): boolean {
  if (Boolean(a.removed) !== Boolean(b.removed)) return !a.removed;
  if (a.published !== b.published) return a.published < b.published;
  if (a.position !== b.position) return a.position < b.position;
  return a.id < b.id;
}

/** Statements that run the rule (with `?` placeholders). */
export const CANONICAL_SQL = {
  current: `${RANK} WHERE b.story = ? AND b.is_canonical AND b.rowid <> ?`,
  rank: `${RANK} WHERE b.rowid = ?`,
  set: 'UPDATE articles SET is_canonical = ? WHERE rowid = ?',
  recompute: `UPDATE articles SET is_canonical = (id = (SELECT b.id FROM articles b JOIN sources s ON s.name = b.source
      WHERE b.story = articles.story ORDER BY ${CANONICAL_ORDER} LIMIT 1)) WHERE story = ?`,
};

/** What a new member of another source's story changes: whether it is canonical, and whose place it takes. */
export function settleCanonical(mine: Rank, current: Rank | undefined): { canonical: boolean; demote?: number } {
  const canonical = !current || ranksBefore(mine, current);
  return { canonical, demote: canonical && current ? current.rowid : undefined };
}

/** The same through the async Sql (PostgreSQL; SQLite runs the same statements synchronously). */
export async function settleCanonicalIn(sql: Sql, story: string, rowid: number): Promise<void> {
  const current = await sql.get<Rank>(CANONICAL_SQL.current, [story, rowid]);
  const mine = (await sql.get<Rank>(CANONICAL_SQL.rank, [rowid]))!;
  const { canonical, demote } = settleCanonical(mine, current);
  await sql.run(CANONICAL_SQL.set, [canonical ? 1 : 0, rowid]);
  if (demote !== undefined) await sql.run(CANONICAL_SQL.set, [0, demote]);
}
