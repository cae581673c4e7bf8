// Stories: the same story from several sources is one story. Rules, in order: the same canonical
// URL, the same content fingerprint, a near duplicate found through the LSH index and confirmed
// (overlap of word 3-shingles, titles, publication within the window). The canonical article of a
// story is the earliest published; ties go to the source listed first in the configuration.
import { compare, type NearThresholds } from '../dedupe/fingerprint.js';
import type { DedupeSettings } from '../config/schema.js';
import type { Entry, StoryLink } from '../model.js';
import type { Db } from './open-store.js';

const DAY = 86_400_000;

interface Match {
  id: string;
  story: string;
  rule: 'url' | 'fingerprint' | 'near';
  score: number;
}

interface Candidate {
  id: string;
  story: string;
  title: string;
  published: number;
  shingles: Buffer | null;
}

/** The LSH keys an article row keeps (so that they can be removed exactly), as a blob. */
export const bandsBlob = (bands: readonly number[] | undefined): Buffer | null => (bands?.length ? Buffer.from(Float64Array.from(bands).buffer) : null);
const bandsOf = (blob: Buffer): Float64Array => new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

export const toShingles = (blob: Buffer | null): Uint32Array =>
  blob ? new Uint32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)) : new Uint32Array();

export class Stories {
  private readonly stmt;
  private readonly lookups = new Map<number, { all: (...keys: number[]) => unknown[] }>();

  constructor(private readonly db: Db) {
    this.stmt = {
      byLink: db.prepare('SELECT id, story FROM articles WHERE link = ? AND source <> ? ORDER BY published LIMIT 1'),
      byFingerprint: db.prepare('SELECT id, story FROM articles WHERE fingerprint = ? AND source <> ? ORDER BY published LIMIT 1'),
      candidate: db.prepare('SELECT id, story, title, published, shingles FROM articles WHERE rowid = ? AND source <> ?'),
      unindex: db.prepare('DELETE FROM lsh WHERE key = ? AND article = ?'),
      bandsOf: db.prepare('SELECT bands FROM articles WHERE rowid = ?').pluck(),
      join: db.prepare('UPDATE articles SET story = @story, dedupe_rule = @rule, dedupe_of = @of, dedupe_score = @score WHERE rowid = @rowid'),
      canonical: db.prepare(
        `UPDATE articles SET is_canonical = (id = (SELECT a.id FROM articles a JOIN sources s ON s.name = a.source
           WHERE a.story = @story ORDER BY a.published, s.position, a.id LIMIT 1)) WHERE story = @story`,
      ),
      link: db.prepare('SELECT story, is_canonical, dedupe_rule, dedupe_of, dedupe_score FROM articles WHERE id = ?'),
      canonicalOf: db.prepare(
        `SELECT a.rowid AS rowid, a.published AS published, s.position AS position, a.id AS id FROM articles a JOIN sources s ON s.name = a.source
         WHERE a.story = ? AND a.is_canonical = 1 AND a.rowid <> ?`,
      ),
      rank: db.prepare('SELECT a.published AS published, s.position AS position, a.id AS id FROM articles a JOIN sources s ON s.name = a.source WHERE a.rowid = ?'),
      setCanonical: db.prepare('UPDATE articles SET is_canonical = ? WHERE rowid = ?'),
    };
  }

  private bucketLookup(count: number) {
    let stmt = this.lookups.get(count);
    if (!stmt) {
      stmt = this.db.prepare(`SELECT DISTINCT article FROM lsh WHERE key IN (${new Array(count).fill('?').join(',')})`).pluck();
      this.lookups.set(count, stmt);
    }
    return stmt;
  }

  private findNear(entry: Entry, source: string, settings: DedupeSettings): Match | undefined {
    const fp = entry.fingerprint!;
    if (!fp.bands.length || fp.shingles.length < settings.minShingles) return undefined;
    const window = settings.windowDays * DAY;
    const thresholds: NearThresholds = settings;
    let best: Match | undefined;
    for (const rowid of this.bucketLookup(fp.bands.length).all(...fp.bands) as number[]) {
      const c = this.stmt.candidate.get(rowid, source) as Candidate | undefined;
      if (!c || Math.abs(c.published - entry.published.getTime()) > window) continue;
      const result = compare({ title: entry.title, shingles: fp.shingles }, { title: c.title, shingles: toShingles(c.shingles) }, thresholds);
      if (result.same && (!best || result.overlap > best.score)) best = { id: c.id, story: c.story, rule: 'near', score: result.overlap };
    }
    return best;
  }

  /** The story a new article belongs to, by the first rule that matches another source's article. */
  private match(entry: Entry, source: string, settings: DedupeSettings): Match | undefined {
    if (entry.link) {
      const row = this.stmt.byLink.get(entry.link, source) as { id: string; story: string } | undefined;
      if (row) return { ...row, rule: 'url', score: 1 };
    }
    if (!entry.fingerprint) return undefined;
    const row = this.stmt.byFingerprint.get(entry.fingerprint.exact, source) as { id: string; story: string } | undefined;
    if (row) return { ...row, rule: 'fingerprint', score: 1 };
    return this.findNear(entry, source, settings);
  }

  /**
   * Files a newly stored article (its own story until a rule says otherwise) and indexes it. With
   * cross-source dedupe off nothing is matched or indexed.
   */
  attach(rowid: number, entry: Entry, source: string, settings: DedupeSettings | undefined): void {
    if (!settings?.crossSource) return;
    const found = this.match(entry, source, settings);
    if (found) {
      this.stmt.join.run({ rowid, story: found.story, rule: found.rule, of: found.id, score: found.score });
      this.settleCanonical(found.story, rowid);
    }
    this.index(rowid, entry.fingerprint?.bands ?? []);
  }

  /** After an edit: the article's LSH keys follow its new text (the row already holds the new keys). */
  reindex(rowid: number, oldBands: Buffer | null, entry: Entry): void {
    if (!oldBands) return;
    for (const key of bandsOf(oldBands)) this.stmt.unindex.run(key, rowid);
    this.index(rowid, entry.fingerprint?.bands ?? []);
  }

  private readonly inserts = new Map<number, { run: (...args: number[]) => unknown }>();

  /** One multi-row INSERT for all of an article's keys: far fewer calls into SQLite than one per key. */
  private index(rowid: number, bands: number[]): void {
    if (!bands.length) return;
    let stmt = this.inserts.get(bands.length);
    if (!stmt) {
      stmt = this.db.prepare(`INSERT OR IGNORE INTO lsh (key, article) VALUES ${new Array(bands.length).fill('(?, ?)').join(', ')}`);
      this.inserts.set(bands.length, stmt);
    }
    stmt.run(...bands.flatMap((key) => [key, rowid]));
  }

  /** Removes an article's LSH keys (the keys are kept on the row, so this is a few exact deletes). */
  unindex(rowid: number): boolean {
    const blob = this.stmt.bandsOf.get(rowid) as Buffer | null | undefined;
    if (!blob) return false;
    for (const key of bandsOf(blob)) this.stmt.unindex.run(key, rowid);
    return true;
  }

  /** A new member either becomes the story's canonical article (earlier, or tied and listed first) or not. */
  private settleCanonical(story: string, rowid: number): void {
    type Rank = { rowid: number; published: number; position: number; id: string };
    const current = this.stmt.canonicalOf.get(story, rowid) as Rank | undefined;
    const mine = this.stmt.rank.get(rowid) as Omit<Rank, 'rowid'>;
    const first = !current || mine.published < current.published || (mine.published === current.published && (mine.position < current.position || (mine.position === current.position && mine.id < current.id)));
    this.stmt.setCanonical.run(first ? 1 : 0, rowid);
    if (first && current) this.stmt.setCanonical.run(0, current.rowid);
  }

  recomputeCanonical(story: string): void {
    this.stmt.canonical.run({ story });
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
