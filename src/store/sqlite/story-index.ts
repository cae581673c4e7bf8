// Stories in SQLite: the lookups the story rules ask for (dedupe/stories.ts decides), the
// near-duplicate (LSH) index, and each story's canonical article: the earliest published, ties
// going to the source listed first in the configuration.
import { BAND_SPACE, inWeek, weekOf } from '../../lib/lsh-keys.js';
import type { StoryCandidate, StoryLink, StoryMatch, StoryMergeRecord, StoryRef } from '../../model.js';
import { CANONICAL_ORDER, keysBlob, keysOf, toCandidate, type CandidateRow } from '../rows.js';
import { KeyFilter } from './key-filter.js';
import type { Db } from './open.js';

// The LSH index is two tables, as in a log-structured merge: new keys go to lsh_recent, which stays
// a few dozen pages, and move to lsh in one sorted batch when it fills. One by one, an article's
// keys would each land on a different page of the big table, and every page written costs a page
// in the write-ahead log; in a sorted batch, each page is written once for many keys.
const RECENT_MAX = 16_384;

/** Key lookups are padded to one of a few sizes, so that a handful of prepared statements serve all. */
const LOOKUP_SIZES = [8, 32, 128, 512];

type Rank = { rowid: number; published: number; position: number; id: string };

export class SqliteStoryIndex {
  private readonly stmt;
  private readonly lookups = new Map<number, { raw: () => { all: (...keys: number[]) => [number, number][] } }>();
  private readonly inserts = new Map<number, { run: (...args: number[]) => unknown }>();
  private readonly filter: KeyFilter;
  /** Rows in lsh_recent, as far as this connection knows (read on first use). */
  private recent: number | undefined;

  constructor(
    private readonly db: Db,
    reader: Db,
  ) {
    this.filter = new KeyFilter(db);
    this.stmt = {
      byLink: db.prepare('SELECT id, story FROM articles WHERE link = ? AND source <> ? ORDER BY published LIMIT 1'),
      byFingerprint: db.prepare('SELECT id, story FROM articles WHERE fingerprint = ? AND source <> ? ORDER BY published LIMIT 1'),
      candidate: db.prepare('SELECT id, story, title, published, shingles, shingle_marks FROM articles WHERE rowid = ? AND source <> ?'),
      unindex: db.prepare('DELETE FROM lsh WHERE key = ? AND article = ?'),
      unindexRecent: db.prepare('DELETE FROM lsh_recent WHERE key = ? AND article = ?'),
      recentCount: db.prepare('SELECT count(*) FROM lsh_recent').pluck(),
      bandsOf: db.prepare('SELECT bands FROM articles WHERE rowid = ?').pluck(),
      canonical: db.prepare(
        `UPDATE articles SET is_canonical = (id = (SELECT a.id FROM articles a JOIN sources s ON s.name = a.source
           WHERE a.story = @story ${CANONICAL_ORDER} LIMIT 1)) WHERE story = @story`,
      ),
      comparable: reader.prepare('SELECT id, story, title, published, shingles, shingle_marks FROM articles WHERE id = ?'),
      comparableNear: reader.prepare(
        `SELECT b.id, b.story, b.title, b.published, b.shingles, b.shingle_marks FROM articles a JOIN articles b
           ON b.published BETWEEN a.published - @window AND a.published + @window AND b.source <> a.source AND b.shingles IS NOT NULL
         WHERE a.id = @id`,
      ),
      link: reader.prepare('SELECT story, is_canonical, dedupe_rule, dedupe_of, dedupe_score FROM articles WHERE id = ?'),
      canonicalOf: db.prepare(
        `SELECT a.rowid AS rowid, a.published AS published, s.position AS position, a.id AS id FROM articles a JOIN sources s ON s.name = a.source
         WHERE a.story = ? AND a.is_canonical = 1 AND a.rowid <> ?`,
      ),
      rank: db.prepare('SELECT a.published AS published, s.position AS position, a.id AS id FROM articles a JOIN sources s ON s.name = a.source WHERE a.rowid = ?'),
      setCanonical: db.prepare('UPDATE articles SET is_canonical = ? WHERE rowid = ?'),
      moveStory: db.prepare('UPDATE articles SET story = @story WHERE story = @merged'),
      moveMerges: db.prepare('UPDATE story_merges SET story = @story WHERE story = @merged'),
      recordMerge: db.prepare('INSERT INTO story_merges (story, merged, article, a, b, score, at) VALUES (@story, @merged, @article, @a, @b, @score, @at)'),
      merges: reader.prepare('SELECT story, merged, article, a, b, score, at FROM story_merges WHERE story = ? ORDER BY at, rowid'),
    };
    this.rekeyOldIndex();
  }

  /**
   * Databases from before the keys carried their week (Tidings 0.1 up to schema 6) are re-keyed once:
   * each indexed article's band keys go into the week of its publication.
   */
  private rekeyOldIndex(): void {
    const old = this.db.prepare('SELECT 1 FROM lsh WHERE key < ? UNION ALL SELECT 1 FROM lsh_recent WHERE key < ? LIMIT 1').get(BAND_SPACE, BAND_SPACE);
    if (!old) return;
    this.db.transaction(() => {
      this.db.exec('DELETE FROM lsh; DELETE FROM lsh_recent');
      const rows = this.db.prepare('SELECT rowid, published, bands FROM articles WHERE bands IS NOT NULL').all() as { rowid: number; published: number; bands: Buffer }[];
      const setBands = this.db.prepare('UPDATE articles SET bands = ? WHERE rowid = ?');
      for (const row of rows) {
        const keys = inWeek(keysOf(row.bands), weekOf(row.published));
        setBands.run(keysBlob(keys), row.rowid);
        this.index(row.rowid, keys);
      }
    }).immediate();
  }

  /** For each value, the earliest published article of another source that has it. */
  private earliest(stmt: { get: (value: string, except: string) => unknown }, values: readonly string[], exceptSource: string): Map<string, StoryRef> {
    const found = new Map<string, StoryRef>();
    for (const value of values) {
      const row = stmt.get(value, exceptSource) as StoryRef | undefined;
      if (row) found.set(value, row);
    }
    return found;
  }

  findByLinks(links: readonly string[], exceptSource: string): Map<string, StoryRef> {
    return this.earliest(this.stmt.byLink, links, exceptSource);
  }

  findByFingerprints(fingerprints: readonly string[], exceptSource: string): Map<string, StoryRef> {
    return this.earliest(this.stmt.byFingerprint, fingerprints, exceptSource);
  }

  /** (key, article rowid) pairs for the keys, in either table (UNION ALL: 40% cheaper than UNION). */
  private keyRows(keys: number[]): [number, number][] {
    const rows: [number, number][] = [];
    const max = LOOKUP_SIZES.at(-1)!;
    for (let at = 0; at < keys.length; at += max) {
      const chunk = keys.slice(at, at + max);
      const size = LOOKUP_SIZES.find((s) => s >= chunk.length)!;
      let stmt = this.lookups.get(size);
      if (!stmt) {
        const list = new Array(size).fill('?').join(',');
        stmt = this.db.prepare(`SELECT key, article FROM lsh WHERE key IN (${list}) UNION ALL SELECT key, article FROM lsh_recent WHERE key IN (${list})`) as never;
        this.lookups.set(size, stmt);
      }
      // Padded with repeats of a key: IN is a set, repeats change nothing.
      const padded = chunk.concat(new Array(size - chunk.length).fill(chunk[0]));
      rows.push(...stmt!.raw().all(...padded, ...padded));
    }
    return rows;
  }

  findByKeys(keys: readonly number[], exceptSource: string): Map<number, StoryCandidate[]> {
    const found = new Map<number, StoryCandidate[]>();
    const present = this.filter.present(keys);
    if (!present.length) return found;
    const candidates = new Map<number, StoryCandidate | null>();
    for (const [key, rowid] of this.keyRows(present)) {
      let c = candidates.get(rowid);
      if (c === undefined) {
        const row = this.stmt.candidate.get(rowid, exceptSource) as CandidateRow | undefined;
        c = row ? toCandidate(row) : null;
        candidates.set(rowid, c);
      }
      if (!c) continue;
      const list = found.get(key);
      if (list) list.push(c);
      else found.set(key, [c]);
    }
    return found;
  }

  /** One multi-row INSERT for all of an article's keys: far fewer calls into SQLite than one per key. */
  index(rowid: number, keys: readonly number[]): void {
    if (!keys.length) return;
    let stmt = this.inserts.get(keys.length);
    if (!stmt) {
      stmt = this.db.prepare(`INSERT OR IGNORE INTO lsh_recent (key, article) VALUES ${new Array(keys.length).fill('(?, ?)').join(', ')}`);
      this.inserts.set(keys.length, stmt);
    }
    stmt.run(...keys.flatMap((key) => [key, rowid]));
    this.filter.add(keys);
    this.recent = (this.recent ?? (this.stmt.recentCount.get() as number)) + keys.length;
    if (this.recent >= RECENT_MAX) {
      this.db.exec('INSERT OR IGNORE INTO lsh SELECT key, article FROM lsh_recent ORDER BY key, article; DELETE FROM lsh_recent');
      this.recent = 0;
    }
  }

  /** Removes the keys a row kept (they are kept on the row, so this is a few exact deletes). */
  removeKeys(rowid: number, blob: Buffer | null): void {
    if (!blob) return;
    for (const key of keysOf(blob)) {
      this.stmt.unindex.run(key, rowid);
      this.stmt.unindexRecent.run(key, rowid);
    }
  }

  /** Removes an article's LSH keys, as its row keeps them. */
  unindex(rowid: number): void {
    this.removeKeys(rowid, this.stmt.bandsOf.get(rowid) as Buffer | null);
  }

  /** A new member of another source's story either becomes its canonical article (earlier, or tied and listed first) or not. */
  settleCanonical(match: StoryMatch, rowid: number): void {
    const current = this.stmt.canonicalOf.get(match.story, rowid) as Rank | undefined;
    const mine = this.stmt.rank.get(rowid) as Omit<Rank, 'rowid'>;
    const first = !current || mine.published < current.published || (mine.published === current.published && (mine.position < current.position || (mine.position === current.position && mine.id < current.id)));
    this.stmt.setCanonical.run(first ? 1 : 0, rowid);
    if (first && current) this.stmt.setCanonical.run(0, current.rowid);
  }

  /** The stories a new article bridged go into the one it joined, and each merge is recorded. */
  mergeStories(match: StoryMatch, article: string, now: Date): void {
    for (const m of match.merges ?? []) {
      this.stmt.moveStory.run({ story: match.story, merged: m.merged });
      this.stmt.moveMerges.run({ story: match.story, merged: m.merged });
      this.stmt.recordMerge.run({ story: match.story, merged: m.merged, article, a: m.a, b: m.b, score: m.score, at: now.getTime() });
    }
    this.recomputeCanonical(match.story);
  }

  mergesInto(story: string): StoryMergeRecord[] {
    return (this.stmt.merges.all(story) as (Omit<StoryMergeRecord, 'at'> & { at: number })[]).map((r) => ({ ...r, at: new Date(r.at) }));
  }

  recomputeCanonical(story: string): void {
    this.stmt.canonical.run({ story });
  }

  comparables(ids: readonly string[]): StoryCandidate[] {
    return ids.flatMap((id) => {
      const row = this.stmt.comparable.get(id) as CandidateRow | undefined;
      return row ? [toCandidate(row)] : [];
    });
  }

  comparablesNear(id: string, window: number): StoryCandidate[] {
    return (this.stmt.comparableNear.all({ id, window }) as CandidateRow[]).map(toCandidate);
  }

  linkOf(id: string): StoryLink | undefined {
    const row = this.stmt.link.get(id) as
      | { story: string; is_canonical: number; dedupe_rule: StoryLink['rule'] | null; dedupe_of: string | null; dedupe_score: number | null }
      | undefined;
    if (!row) return undefined;
    return {
      story: row.story,
      canonical: row.is_canonical === 1,
      rule: row.dedupe_rule ?? undefined,
      matchedWith: row.dedupe_of ?? undefined,
      score: row.dedupe_score ?? undefined,
    };
  }
}
