// Events as the read side asks for them: an article's event and why it joined, an event's reports
// newest first, the latest events and those near a time. Composed here once for both dialects; the
// ingest's event lookups and writes (dedupe/events.ts decides) are in each dialect's events.ts.
import type { Article, EventCandidate, EventMembership } from '../model.js';
import { toEvent, toMembership, type EventRow, type MemberRow } from './event-rows.js';
import { LIVE_ARTICLE, toArticle, type ArticleRow } from './rows.js';
import type { Database, Dialect } from './sql.js';

const EVENT_COLUMNS = 'id, first, last, size, centroid';

export class EventReads {
  constructor(
    private readonly db: Database,
    private readonly dialect: Dialect,
  ) {}

  async memberships(ids: readonly string[]): Promise<Map<string, EventMembership>> {
    if (!ids.length) return new Map();
    const rows = await this.db.all<MemberRow>(
      `SELECT m.* FROM event_members m WHERE ${this.dialect.inList('m.article')}`,
      [this.dialect.list(ids)],
    );
    return new Map(rows.map((r) => [r.article, toMembership(r)]));
  }

  async event(id: string): Promise<EventCandidate | undefined> {
    const row = await this.db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, [id]);
    return row && toEvent(row);
  }

  /** Every live report of an event, newest first. */
  async articles(event: string, limit?: number, offset = 0): Promise<Article[]> {
    const members = await this.db.all<{ article: string }>(
      'SELECT article FROM event_members WHERE event = ? ORDER BY published DESC, article LIMIT ? OFFSET ?',
      [event, limit ?? this.dialect.noLimit, offset],
    );
    const ids = members.map((m) => m.article);
    if (!ids.length) return [];
    const rows = await this.db.all<ArticleRow>(
      `SELECT ${this.dialect.articleColumns} FROM articles a WHERE ${this.dialect.inList('a.id')} AND ${LIVE_ARTICLE}`,
      [this.dialect.list(ids)],
    );
    const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Events with at least `minSize` reports, latest first. */
  async latest(minSize: number, limit: number): Promise<EventCandidate[]> {
    return (
      await this.db.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE size >= ? ORDER BY last DESC LIMIT ?`, [
        minSize,
        limit,
      ])
    ).map(toEvent);
  }

  /** Events with a report between `from` and `to`, latest first. */
  async between(from: Date, to: Date, limit: number): Promise<EventCandidate[]> {
    const rows = await this.db.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE last >= ? AND first <= ? ORDER BY last DESC LIMIT ?`,
      [from.getTime(), to.getTime(), limit],
    );
    return rows.map(toEvent);
  }
}
