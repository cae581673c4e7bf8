// Stories in PostgreSQL: the lookups the story rules ask for (dedupe/stories.ts decides), the
// near-duplicate (LSH) index, and the locks that keep two workers from splitting one story.
//
// Two ingests at once could each miss the other's uncommitted articles and start one story twice.
// Instead of one lock around every ingest, an ingest locks the keys by which its new articles can
// meet another's (their links, exact fingerprints and LSH band values) before it looks them up:
// two articles that would join one story share one of these keys, so the second waits for the
// first to commit, and then finds it. Ingests of unrelated articles go on side by side. The keys
// are locked in a fixed order (sorted hashes); a story's canonical article is settled under a lock
// on the story, taken later, so a deadlock is possible, and the ingest is then run again.
import type pg from 'pg';
import type { Entry, StoryCandidate, StoryRef } from '../../model.js';
import { CANDIDATE_COLUMNS, toCandidate, type CandidateRow } from '../rows.js';

type Db = pg.Pool | pg.PoolClient;

/** Locks these keys (text, hashed to 64 bits) until the transaction ends, in the order of their hashes. */
export async function lockKeys(db: Db, keys: Iterable<string>): Promise<void> {
  const list = [...new Set(keys)];
  if (!list.length) return;
  await db.query('SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) x ORDER BY k) s', [list]);
}

/** The keys by which a new entry can meet another source's article in a story. */
export function meetingKeys(entry: Entry): string[] {
  const keys: string[] = [];
  if (entry.link) keys.push(`link ${entry.link}`);
  const fp = entry.fingerprint;
  if (fp) {
    keys.push(`fingerprint ${fp.exact}`);
    for (const band of fp.bands) keys.push(`band ${band}`);
  }
  return keys;
}

export const storyKey = (story: string): string => `story ${story}`;

/** For each value of the column, the earliest published article of another source that has it. */
export async function earliest(db: Db, column: 'link' | 'fingerprint', values: readonly string[], except: string): Promise<Map<string, StoryRef>> {
  if (!values.length) return new Map();
  const { rows } = await db.query<{ value: string; id: string; story: string }>(
    `SELECT DISTINCT ON (${column}) ${column} AS value, id, story FROM articles WHERE ${column} = ANY($1::text[]) AND source <> $2 ORDER BY ${column}, published, id`,
    [values, except],
  );
  return new Map(rows.map((r) => [r.value, { id: r.id, story: r.story }]));
}

export async function findByKeys(db: Db, keys: readonly number[], except: string): Promise<Map<number, StoryCandidate[]>> {
  const found = new Map<number, StoryCandidate[]>();
  if (!keys.length) return found;
  const { rows } = await db.query<CandidateRow & { key: number; rowid: number }>(
    `SELECT l.key, a.rowid, ${CANDIDATE_COLUMNS} FROM lsh l JOIN articles a ON a.rowid = l.article WHERE l.key = ANY($1::bigint[]) AND a.source <> $2`,
    [keys, except],
  );
  const candidates = new Map<number, StoryCandidate>();
  for (const r of rows) {
    let c = candidates.get(r.rowid);
    if (!c) candidates.set(r.rowid, (c = toCandidate(r)));
    const list = found.get(r.key);
    if (list) list.push(c);
    else found.set(r.key, [c]);
  }
  return found;
}

/** Adds (key, article) pairs to the index. */
export async function indexKeys(db: Db, keys: readonly number[], rowids: readonly number[]): Promise<void> {
  if (keys.length) await db.query('INSERT INTO lsh (key, article) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING', [keys, rowids]);
}

export async function unindex(db: Db, rowid: number): Promise<void> {
  await db.query('DELETE FROM lsh WHERE article = $1', [rowid]);
}
