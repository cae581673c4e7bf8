// Stories that merge: a new article that matched two stories brings the second into the first
// (dedupe/stories.ts decides), and each merge is recorded for `tidings explain`.
import type { StoryMatch, StoryMergeRecord } from '../model.js';
import { CANONICAL_SQL } from './canonical.js';
import type { Sql } from './sql.js';

/** The stories a new article bridged go into the one it joined, each merge recorded; the story's canonical article is chosen again. */
export async function mergeStories(sql: Sql, match: StoryMatch, article: string, now: Date): Promise<void> {
  for (const m of match.merges ?? []) {
    await sql.run('UPDATE articles SET story = ? WHERE story = ?', [match.story, m.merged]);
    await sql.run('UPDATE story_merges SET story = ? WHERE story = ?', [match.story, m.merged]);
    await sql.run('INSERT INTO story_merges (story, merged, article, a, b, score, at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      match.story,
      m.merged,
      article,
      m.a,
      m.b,
      m.score,
      now.getTime(),
    ]);
  }
  await sql.run(CANONICAL_SQL.recompute, [match.story]);
}

/** The stories merged into this one, oldest first. */
export async function mergesInto(sql: Sql, story: string): Promise<StoryMergeRecord[]> {
  const rows = await sql.all<Omit<StoryMergeRecord, 'at'> & { at: number }>(
    'SELECT story, merged, article, a, b, score, at FROM story_merges WHERE story = ? ORDER BY at, merged',
    [story],
  );
  return rows.map((r) => ({ ...r, score: Number(r.score), at: new Date(Number(r.at)) }));
}
