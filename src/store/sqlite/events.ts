// Events in SQLite: the lookups and writes of the event rules inside an ingest (dedupe/events.ts
// decides), on the writer. The read side's questions are composed once, in store/event-reads.ts.
import type { EventCandidate, EventMembership } from '../../model.js';
import { eventParams, memberParams, toEvent, type EventRow } from '../event-rows.js';
import type { Db } from './open.js';

export class SqliteEvents {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      named: db.prepare(
        `SELECT id, first, last, size, centroid FROM events WHERE id IN
           (SELECT event FROM event_names WHERE name IN (SELECT value FROM json_each(?)) AND last >= ? GROUP BY event HAVING count(*) >= 2)
         ORDER BY last DESC LIMIT ?`,
      ),
      name: db.prepare(
        'INSERT INTO event_names (name, event, last) VALUES (?, ?, ?) ON CONFLICT (name, event) DO UPDATE SET last = excluded.last',
      ),
      eventsOf: db
        .prepare('SELECT article, event FROM event_members WHERE article IN (SELECT value FROM json_each(?))')
        .raw(),
      save: db.prepare(
        `INSERT INTO events (id, first, last, size, centroid) VALUES (@id, @first, @last, @size, @centroid)
         ON CONFLICT (id) DO UPDATE SET first = excluded.first, last = excluded.last, size = excluded.size, centroid = excluded.centroid`,
      ),
      join: db.prepare(
        `INSERT OR REPLACE INTO event_members (article, event, published, score, shared, gap_hours, terms)
         SELECT @article, @event, published, @score, @shared, @gap_hours, @terms FROM articles WHERE id = @article`,
      ),
    };
  }

  named(names: readonly string[], since: Date, limit: number): EventCandidate[] {
    return (this.stmt.named.all(JSON.stringify(names), since.getTime(), limit) as EventRow[]).map(toEvent);
  }

  eventsOf(articles: readonly string[]): Map<string, string> {
    if (!articles.length) return new Map();
    return new Map(this.stmt.eventsOf.all(JSON.stringify([...new Set(articles)])) as [string, string][]);
  }

  save(events: readonly EventCandidate[], members: readonly EventMembership[]): void {
    for (const e of events) {
      this.stmt.save.run(eventParams(e));
      for (const name of e.names ?? []) this.stmt.name.run(name, e.id, e.last.getTime());
    }
    for (const m of members) this.stmt.join.run(memberParams(m));
  }
}
