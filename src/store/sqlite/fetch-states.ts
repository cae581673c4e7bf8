// Per-source fetch state in SQLite: validators, outcomes, back-off and the feed's own polling hints.
import type { FetchState } from '../../model.js';
import type { FailureRecord, SuccessRecord } from '../store.js';
import { toState, type StateRow } from '../rows.js';
import type { Db } from './open.js';

const SELECT = `SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source = s.name) AS articles FROM sources s`;

export class FetchStates {
  private readonly stmt;

  constructor(db: Db, reader: Db) {
    this.stmt = {
      one: reader.prepare(`${SELECT} WHERE s.name = ?`),
      all: reader.prepare(`${SELECT} ORDER BY s.name`),
      success: db.prepare(
        `UPDATE sources SET last_check = @now, last_success = @now, last_status = @status, last_error = NULL,
           consecutive_errors = 0, next_fetch = NULL,
           etag = CASE WHEN @status = 304 THEN etag ELSE @etag END,
           last_modified = CASE WHEN @status = 304 THEN last_modified ELSE @lastModified END,
           url = COALESCE(@movedTo, url),
           ttl_minutes = COALESCE(@ttlMinutes, ttl_minutes),
           cache_until = @cacheUntil,
           skip_hours = COALESCE(@skipHours, skip_hours), skip_days = COALESCE(@skipDays, skip_days),
           feed_title = COALESCE(@feedTitle, feed_title), feed_link = COALESCE(@feedLink, feed_link),
           left_out_by_rules = COALESCE(@leftOutByRules, left_out_by_rules)
         WHERE name = @name`,
      ),
      failure: db.prepare(
        `UPDATE sources SET last_check = @now, last_status = @status, last_error = @error,
           consecutive_errors = consecutive_errors + 1, next_fetch = @retryAfter, gone = max(gone, @gone)
         WHERE name = @name`,
      ),
      enable: db.prepare('UPDATE sources SET gone = 0, consecutive_errors = 0, next_fetch = NULL, last_error = NULL WHERE name = ?'),
      shift: db.prepare(
        `UPDATE sources SET last_check = last_check + @ms, last_success = last_success + @ms, next_fetch = next_fetch + @ms,
           cache_until = cache_until + @ms`,
      ),
    };
  }

  get(name: string): FetchState | undefined {
    const row = this.stmt.one.get(name) as StateRow | undefined;
    return row && toState(row);
  }

  list(): FetchState[] {
    return (this.stmt.all.all() as StateRow[]).map(toState);
  }

  recordSuccess(name: string, now: Date, r: SuccessRecord): void {
    this.stmt.success.run({
      name,
      now: now.getTime(),
      status: r.status ?? null,
      etag: r.etag ?? null,
      lastModified: r.lastModified ?? null,
      movedTo: r.movedTo ?? null,
      ttlMinutes: r.ttlMinutes ?? null,
      cacheUntil: r.cacheUntil?.getTime() ?? null,
      skipHours: r.skipHours ? JSON.stringify(r.skipHours) : null,
      skipDays: r.skipDays ? JSON.stringify(r.skipDays) : null,
      feedTitle: r.feedTitle ?? null,
      feedLink: r.feedLink ?? null,
      leftOutByRules: r.leftOutByRules ?? null,
    });
  }

  recordFailure(name: string, now: Date, r: FailureRecord): void {
    this.stmt.failure.run({
      name,
      now: now.getTime(),
      status: r.status ?? null,
      error: r.error.split('\n')[0]!.slice(0, 500),
      retryAfter: r.retryAfter?.getTime() ?? null,
      gone: r.gone ? 1 : 0,
    });
  }

  /** After the wall clock stepped by `ms`: every recorded time keeps its distance from now. */
  shift(ms: number): void {
    this.stmt.shift.run({ ms });
  }

  /** Lets a gone or backed-off source be fetched again. */
  enable(name: string): boolean {
    return this.stmt.enable.run(name).changes > 0;
  }
}
