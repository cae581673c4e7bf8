// Events in SQLite: the lookups and writes of the event rules (dedupe/events.ts decides), and the
// read side's questions (an article's event, an event's reports). Events are found by time.
import type { EventCandidate, EventMembership } from '../../model.js';
import { eventParams, memberParams, toEvent, toMembership, type EventRow, type MemberRow } from '../event-rows.js';
import type { Db } from './open.js';

export class SqliteEvents {
  private readonly stmt;

  constructor(db: Db, reader: Db) {
    this.stmt = {
      near: db.prepare('SELECT id, first, last, size, centroid FROM events WHERE last >= ? AND first <= ? ORDER BY last DESC LIMIT ?'),
      nearRead: reader.prepare('SELECT id, first, last, size, centroid FROM events WHERE last >= ? AND first <= ? ORDER BY last DESC LIMIT ?'),
      named: db.prepare(
        `SELECT id, first, last, size, centroid FROM events WHERE id IN
           (SELECT event FROM event_names WHERE name IN (SELECT value FROM json_each(?)) AND last >= ? GROUP BY event HAVING count(*) >= 2)
         ORDER BY last DESC LIMIT ?`,
      ),
      name: db.prepare('INSERT INTO event_names (name, event, last) VALUES (?, ?, ?) ON CONFLICT (name, event) DO UPDATE SET last = excluded.last'),
      eventOf: db.prepare('SELECT event FROM event_members WHERE article = ?').pluck(),
      save: db.prepare(
        `INSERT INTO events (id, first, last, size, centroid) VALUES (@id, @first, @last, @size, @centroid)
         ON CONFLICT (id) DO UPDATE SET first = excluded.first, last = excluded.last, size = excluded.size, centroid = excluded.centroid`,
      ),
      join: db.prepare(
        `INSERT OR REPLACE INTO event_members (article, event, published, score, shared, gap_hours, terms)
         SELECT @article, @event, published, @score, @shared, @gap_hours, @terms FROM articles WHERE id = @article`,
      ),
      memberships: reader.prepare('SELECT m.* FROM event_members m WHERE m.article IN (SELECT value FROM json_each(?))'),
      members: reader.prepare('SELECT article FROM event_members WHERE event = ? ORDER BY published DESC, article LIMIT ? OFFSET ?').pluck(),
      event: reader.prepare('SELECT id, first, last, size, centroid FROM events WHERE id = ?'),
      latest: reader.prepare('SELECT id, first, last, size, centroid FROM events WHERE size >= ? ORDER BY last DESC LIMIT ?'),
    };
  }

  near(from: Date, to: Date, limit: number, read = false): EventCandidate[] {
    return ((read ? this.stmt.nearRead : this.stmt.near).all(from.getTime(), to.getTime(), limit) as EventRow[]).map(toEvent);
  }

  named(names: readonly string[], since: Date, limit: number): EventCandidate[] {
    return (this.stmt.named.all(JSON.stringify(names), since.getTime(), limit) as EventRow[]).map(toEvent);
  }

  eventsOf(articles: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    for (const a of new Set(articles)) {
      const event = this.stmt.eventOf.get(a) as string | undefined;
      if (event) found.set(a, event);
    }
    return found;
  }

  save(events: readonly EventCandidate[], members: readonly EventMembership[]): void {
    for (const e of events) {
      this.stmt.save.run(eventParams(e));
      for (const name of e.names ?? []) this.stmt.name.run(name, e.id, e.last.getTime());
    }
    for (const m of members) this.stmt.join.run(memberParams(m));
  }

  memberships(ids: readonly string[]): Map<string, EventMembership> {
    return new Map((this.stmt.memberships.all(JSON.stringify(ids)) as MemberRow[]).map((r) => [r.article, toMembership(r)]));
  }

  /** The ids of an event's reports, newest first. */
  members(event: string, limit = -1, offset = 0): string[] {
    return this.stmt.members.all(event, limit, offset) as string[];
  }

  event(id: string): EventCandidate | undefined {
    const row = this.stmt.event.get(id) as EventRow | undefined;
    return row && toEvent(row);
  }

  /** The events with at least `minSize` reports, latest first. */
  latest(minSize: number, limit: number): EventCandidate[] {
    return (this.stmt.latest.all(minSize, limit) as EventRow[]).map(toEvent);
  }
}
