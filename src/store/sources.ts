// Sources and their fetch state: validators, outcomes, back-off and the feed's own polling hints,
// written once for both dialects (booleans are bound as 0/1, which PostgreSQL reads as booleans).
import type { DocumentStamp, FetchState } from '../model.js';
import { toState, type StateRow } from './rows.js';
import { CANONICAL_SQL } from './canonical.js';
import type { Database, Dialect, Sql } from './sql.js';
import type { FailureRecord, OlderArticles, RemovedSource, SourceRow, SuccessRecord } from './store.js';

const SELECT_STATE = 'SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles FROM sources s';

/** What a failure records of its error: its first line, cut at 500 characters. */
const errorLine = (error: string): string => error.split('\n')[0]!.slice(0, 500);

export class Sources {
  constructor(
    private readonly db: Database,
    private readonly dialect: Dialect,
  ) {}

  /** A changed configured location starts the fetch state afresh. */
  async upsert(source: SourceRow, now: Date, position: number): Promise<void> {
    await this.db.run(
      `INSERT INTO sources (name, type, location, created_at, position) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, location = excluded.location, position = excluded.position,
         url = CASE WHEN sources.location = excluded.location THEN sources.url END,
         etag = CASE WHEN sources.location = excluded.location THEN sources.etag END,
         last_modified = CASE WHEN sources.location = excluded.location THEN sources.last_modified END,
         gone = CASE WHEN sources.location = excluded.location THEN sources.gone ELSE FALSE END`,
      [source.name, source.type, source.location, now.getTime(), position],
    );
  }

  async state(name: string): Promise<FetchState | undefined> {
    const row = await this.db.get<StateRow>(`${SELECT_STATE} WHERE s.name = ?`, [name]);
    return row && toState(row);
  }

  async states(): Promise<FetchState[]> {
    return (await this.db.all<StateRow>(`${SELECT_STATE} ORDER BY s.name`)).map(toState);
  }

  async recordSuccess(sql: Sql, name: string, now: Date, r: SuccessRecord): Promise<void> {
    const status = r.status ?? null;
    await sql.run(
      `UPDATE sources SET last_check = ?, last_success = ?, last_status = ?, last_error = NULL,
         consecutive_errors = 0, next_fetch = NULL,
         etag = CASE WHEN ? = 304 THEN etag ELSE ? END,
         last_modified = CASE WHEN ? = 304 THEN last_modified ELSE ? END,
         url = COALESCE(?, url),
         ttl_minutes = COALESCE(?, ttl_minutes),
         cache_until = ?,
         skip_hours = COALESCE(?, skip_hours), skip_days = COALESCE(?, skip_days),
         feed_title = COALESCE(?, feed_title), feed_link = COALESCE(?, feed_link),
         left_out_by_rules = COALESCE(?, left_out_by_rules),
         normalizer = COALESCE(?, normalizer)
       WHERE name = ?`,
      [
        now.getTime(),
        now.getTime(),
        status,
        status,
        r.etag ?? null,
        status,
        r.lastModified ?? null,
        r.movedTo ?? null,
        r.ttlMinutes ?? null,
        r.cacheUntil?.getTime() ?? null,
        r.skipHours ? JSON.stringify(r.skipHours) : null,
        r.skipDays ? JSON.stringify(r.skipDays) : null,
        r.feedTitle ?? null,
        r.feedLink ?? null,
        r.leftOutByRules ?? null,
        r.normalizer ?? null,
        name,
      ],
    );
  }

  async recordFailure(sql: Sql, name: string, now: Date, r: FailureRecord): Promise<void> {
    await sql.run(
      `UPDATE sources SET last_check = ?, last_status = ?, last_error = ?,
         consecutive_errors = consecutive_errors + 1, next_fetch = ?, gone = (gone OR ?)
       WHERE name = ?`,
      [now.getTime(), r.status ?? null, errorLine(r.error), r.retryAfter?.getTime() ?? null, r.gone ? 1 : 0, name],
    );
  }

  /** Lets a gone or backed-off source be fetched again; false when there is no such source. */
  async enable(sql: Sql, name: string): Promise<boolean> {
    return (
      (await sql.run(
        'UPDATE sources SET gone = FALSE, consecutive_errors = 0, next_fetch = NULL, last_error = NULL WHERE name = ?',
        [name],
      )) > 0
    );
  }

  /** After the wall clock stepped by `ms`: every recorded time, claim and lease keeps its distance from now. */
  async shiftTimes(sql: Sql, ms: number): Promise<void> {
    await sql.run(
      `UPDATE sources SET last_check = last_check + ?, last_success = last_success + ?, next_fetch = next_fetch + ?,
         cache_until = cache_until + ?, claimed_until = claimed_until + ?`,
      [ms, ms, ms, ms, ms],
    );
    await sql.run('UPDATE leases SET expires = expires + ?', [ms]);
    await sql.run('UPDATE host_slots SET until = until + ?', [ms]);
  }

  /**
   * Whether retire() would change anything: read first, so that opening a store for a command that
   * only reads takes no write transaction (and a read-only database is never written).
   */
  async retireNeeded(configured: readonly string[]): Promise<boolean> {
    const names = this.dialect.list(configured);
    const row = await this.db.get<{ needed: unknown }>(
      `SELECT EXISTS (SELECT 1 FROM sources WHERE
         (removed_at IS NULL AND NOT (${this.dialect.inList('name')}))
         OR (removed_at IS NOT NULL AND (${this.dialect.inList('name')}
           OR NOT EXISTS (SELECT 1 FROM articles WHERE source = sources.name)))) AS needed`,
      [names, names],
    );
    return Boolean(Number(row?.needed));
  }

  /** See Store.retireSources: marks and restores; returns the sources whose mark changed. */
  async retire(sql: Sql, configured: readonly string[], now: Date): Promise<string[]> {
    const names = this.dialect.list(configured);
    const moved = [
      ...(await sql.all<{ name: string }>(
        `UPDATE sources SET removed_at = ? WHERE removed_at IS NULL AND NOT (${this.dialect.inList('name')}) RETURNING name`,
        [now.getTime(), names],
      )),
      ...(await sql.all<{ name: string }>(
        `UPDATE sources SET removed_at = NULL WHERE removed_at IS NOT NULL AND ${this.dialect.inList('name')} RETURNING name`,
        [names],
      )),
    ].map((r) => r.name);
    await sql.run(
      'DELETE FROM sources WHERE removed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles WHERE source = sources.name)',
    );
    if (!moved.length) return moved;
    // Their stories' canonical articles follow: a removed source's article is canonical only when the story has no other.
    const stories = await sql.all<{ story: string }>(
      `SELECT DISTINCT story FROM articles WHERE ${this.dialect.inList('source')}`,
      [this.dialect.list(moved)],
    );
    for (const { story } of stories) await sql.run(CANONICAL_SQL.recompute, [story]);
    return moved;
  }

  async removed(): Promise<RemovedSource[]> {
    const rows = await this.db.all<{ name: string; removed_at: number; articles: number }>(
      'SELECT s.name, s.removed_at, (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles FROM sources s WHERE s.removed_at IS NOT NULL ORDER BY s.name',
    );
    return rows.map((r) => ({ name: r.name, removedAt: new Date(Number(r.removed_at)), articles: Number(r.articles) }));
  }

  async documentStamps(source: string, options: string): Promise<Record<string, DocumentStamp>> {
    const rows = await this.db.all<DocumentStamp>(
      'SELECT identity, size, mtime, hash FROM documents WHERE source = ? AND options = ?',
      [source, options],
    );
    return Object.fromEntries(rows.map((d) => [d.identity, d]));
  }

  /** See Store.olderArticles; removed sources' articles are not counted (they are on their way out). */
  async olderArticles(normalizer: number): Promise<OlderArticles> {
    const row = await this.db.get<{ articles: number | string; not_in_feeds: number | string | null }>(
      `SELECT count(*) AS articles, sum(CASE WHEN s.normalizer >= ? THEN 1 ELSE 0 END) AS not_in_feeds
       FROM articles a JOIN sources s ON s.name = a.source
       WHERE s.removed_at IS NULL AND (a.normalizer IS NULL OR a.normalizer < ?)`,
      [normalizer, normalizer],
    );
    return { articles: Number(row?.articles ?? 0), notInFeeds: Number(row?.not_in_feeds ?? 0) };
  }

  async rawHashes(source: string): Promise<Record<string, string>> {
    const rows = await this.db.all<{ identity: string; raw_hash: string }>(
      'SELECT identity, raw_hash FROM articles WHERE source = ? AND raw_hash IS NOT NULL',
      [source],
    );
    return Object.fromEntries(rows.map((r) => [r.identity, r.raw_hash]));
  }
}
