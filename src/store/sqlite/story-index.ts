// Stories in SQLite: the lookups the story rules ask for (dedupe/stories.ts decides) and the
// near-duplicate (LSH) index.
import { BAND_SPACE, inWeek, weekOf } from '../../lib/lsh-keys.js';
import type { StoryCandidate, StoryRef } from '../../model.js';
import { keysBlob, keysOf, toCandidate, type CandidateRow } from '../rows.js';
import { KeyFilter } from './key-filter.js';
import type { Db } from './open.js';

// The LSH index is two tables, as in a log-structured merge: new keys go to lsh_recent, which stays
// a few dozen pages, and move to lsh in one sorted batch when it fills. One by one, an article's
// keys would each land on a different page of the big table, and every page written costs a page
// in the write-ahead log; in a sorted batch, each page is written once for many keys.
const RECENT_MAX = 16_384;

/** Key lookups are padded to one of a few sizes, so that a handful of prepared statements serve all. */
const LOOKUP_SIZES = [8, 32, 128, 512];

/**
 * For each value of a JSON array, the earliest published article of another source with it in
 * `column` (ties: the first stored), through the column's index, one value at a time.
 */
const earliestSql = (column: 'link' | 'fingerprint') =>
  `SELECT j.value AS value, a.id, a.story FROM json_each(?) j
   JOIN articles a ON a.rowid = (SELECT rowid FROM articles WHERE ${column} = j.value AND source <> ? ORDER BY published, rowid LIMIT 1)`;

export class SqliteStoryIndex {
  private readonly stmt;
  private readonly lookups = new Map<number, { raw: () => { all: (...keys: number[]) => [number, number][] } }>();
  private readonly inserts = new Map<number, { run: (...args: number[]) => unknown }>();
  private readonly filter: KeyFilter;
  /** Rows in lsh_recent, as far as this connection knows (read on first use). */
  private recent: number | undefined;

  constructor(private readonly db: Db) {
    this.filter = new KeyFilter(db);
    this.stmt = {
      byLink: db.prepare(earliestSql('link')),
      byFingerprint: db.prepare(earliestSql('fingerprint')),
      candidates: db.prepare(
        'SELECT rowid, id, story, title, published, shingles, shingle_marks FROM articles WHERE rowid IN (SELECT value FROM json_each(?)) AND source <> ?',
      ),
      unindex: db.prepare('DELETE FROM lsh WHERE key = ? AND article = ?'),
      unindexRecent: db.prepare('DELETE FROM lsh_recent WHERE key = ? AND article = ?'),
      recentCount: db.prepare('SELECT count(*) FROM lsh_recent').pluck(),
      bandsOf: db.prepare('SELECT bands FROM articles WHERE rowid = ?').pluck(),
    };
    this.rekeyOldIndex();
  }

  /**
   * Databases from before the keys carried their week (Tidings 0.1 up to schema 6) are re-keyed once:
   * each indexed article's band keys go into the week of its publication.
   */
  private rekeyOldIndex(): void {
    const old = this.db
      .prepare('SELECT 1 FROM lsh WHERE key < ? UNION ALL SELECT 1 FROM lsh_recent WHERE key < ? LIMIT 1')
      .get(BAND_SPACE, BAND_SPACE);
    if (!old) return;
    this.db
      .transaction(() => {
        this.db.exec('DELETE FROM lsh; DELETE FROM lsh_recent');
        const rows = this.db.prepare('SELECT rowid, published, bands FROM articles WHERE bands IS NOT NULL').all() as {
          rowid: number;
          published: number;
          bands: Buffer;
        }[];
        const setBands = this.db.prepare('UPDATE articles SET bands = ? WHERE rowid = ?');
        for (const row of rows) {
          const keys = inWeek(keysOf(row.bands), weekOf(row.published));
          setBands.run(keysBlob(keys), row.rowid);
          this.index(row.rowid, keys);
        }
      })
      .immediate();
  }

  /** For each value, the earliest published article of another source that has it: one query for them all. */
  private earliest(
    stmt: { all: (values: string, except: string) => unknown[] },
    values: readonly string[],
    exceptSource: string,
  ): Map<string, StoryRef> {
    if (!values.length) return new Map();
    const rows = stmt.all(JSON.stringify(values), exceptSource) as (StoryRef & { value: string })[];
    return new Map(rows.map((r) => [r.value, { id: r.id, story: r.story }]));
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
        stmt = this.db.prepare(
          `SELECT key, article FROM lsh WHERE key IN (${list}) UNION ALL SELECT key, article FROM lsh_recent WHERE key IN (${list})`,
        ) as never;
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
    const pairs = this.keyRows(present);
    if (!pairs.length) return found;
    // The candidates' rows in one query, each row once however many keys found it.
    const rows = this.stmt.candidates.all(
      JSON.stringify([...new Set(pairs.map(([, rowid]) => rowid))]),
      exceptSource,
    ) as (CandidateRow & { rowid: number })[];
    const candidates = new Map(rows.map((row) => [row.rowid, toCandidate(row)]));
    for (const [key, rowid] of pairs) {
      const c = candidates.get(rowid);
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
      stmt = this.db.prepare(
        `INSERT OR IGNORE INTO lsh_recent (key, article) VALUES ${new Array(keys.length).fill('(?, ?)').join(', ')}`,
      );
      this.inserts.set(keys.length, stmt);
    }
    stmt.run(...keys.flatMap((key) => [key, rowid]));
    this.filter.add(keys);
    this.recent = (this.recent ?? (this.stmt.recentCount.get() as number)) + keys.length;
    if (this.recent >= RECENT_MAX) {
      this.db.exec(
        'INSERT OR IGNORE INTO lsh SELECT key, article FROM lsh_recent ORDER BY key, article; DELETE FROM lsh_recent',
      );
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
}
