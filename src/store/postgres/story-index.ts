// Stories in PostgreSQL: the lookups the story rules ask for (dedupe/stories.ts decides) and the
// near-duplicate (LSH) index. postgres-store.ts says which lock they run under. The lookups pass
// over `pending`: this ingest's new articles written before dedupe decided their story, which an
// ingest that writes them after deciding would not see either.
import type pg from 'pg';
import type { StoryCandidate, StoryRef } from '../../model.js';
import { CANDIDATE_COLUMNS, toCandidate, type CandidateRow } from '../rows.js';

type Db = pg.Pool | pg.PoolClient;

/** For each value of the column, the earliest published article of another source that has it. */
export async function earliest(
  db: Db,
  column: 'link' | 'fingerprint',
  values: readonly string[],
  except: string,
  pending: readonly string[],
): Promise<Map<string, StoryRef>> {
  if (!values.length) return new Map();
  const { rows } = await db.query<{ value: string; id: string; story: string }>(
    `SELECT DISTINCT ON (${column}) ${column} AS value, id, story FROM articles
     WHERE ${column} = ANY($1::text[]) AND source <> $2 AND NOT (id = ANY($3::text[])) ORDER BY ${column}, published, id`,
    [values, except, pending],
  );
  return new Map(rows.map((r) => [r.value, { id: r.id, story: r.story }]));
}

export async function findByKeys(
  db: Db,
  keys: readonly number[],
  except: string,
  pending: readonly string[],
): Promise<Map<number, StoryCandidate[]>> {
  const found = new Map<number, StoryCandidate[]>();
  if (!keys.length) return found;
  const { rows } = await db.query<CandidateRow & { key: number; rowid: number }>(
    `SELECT l.key, a.rowid, ${CANDIDATE_COLUMNS} FROM lsh l JOIN articles a ON a.rowid = l.article
     WHERE l.key = ANY($1::bigint[]) AND a.source <> $2 AND NOT (a.id = ANY($3::text[]))`,
    [keys, except, pending],
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
  if (keys.length)
    await db.query(
      'INSERT INTO lsh (key, article) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING',
      [keys, rowids],
    );
}

export async function unindex(db: Db, rowid: number): Promise<void> {
  await db.query('DELETE FROM lsh WHERE article = $1', [rowid]);
}
