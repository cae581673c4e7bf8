// Events in PostgreSQL: the event rules' lookups and writes inside an ingest, as store/sqlite/events.ts
// has them for SQLite. The read side's questions are composed once, in store/event-reads.ts.
import type pg from 'pg';
import type { EventCandidate, EventMembership } from '../../model.js';
import { eventParams, memberParams, toEvent, type EventRow } from '../event-rows.js';

type Db = pg.Pool | pg.PoolClient;

const rows = async <R extends pg.QueryResultRow>(db: Db, sql: string, params: unknown[]) =>
  (await db.query<R>(sql, params)).rows;

export async function eventsNamed(
  db: Db,
  names: readonly string[],
  since: Date,
  limit: number,
): Promise<EventCandidate[]> {
  const found = await rows<EventRow>(
    db,
    `SELECT id, first, last, size, centroid FROM events WHERE id IN
       (SELECT event FROM event_names WHERE name = ANY($1::text[]) AND last >= $2 GROUP BY event HAVING count(*) >= 2)
     ORDER BY last DESC LIMIT $3`,
    [[...names], since.getTime(), limit],
  );
  return found.map(toEvent);
}

export async function eventsOf(db: Db, articles: readonly string[]): Promise<Map<string, string>> {
  if (!articles.length) return new Map();
  const found = await rows<{ article: string; event: string }>(
    db,
    'SELECT article, event FROM event_members WHERE article = ANY($1::text[])',
    [[...new Set(articles)]],
  );
  return new Map(found.map((r) => [r.article, r.event]));
}

export async function saveEvents(
  db: Db,
  events: readonly EventCandidate[],
  members: readonly EventMembership[],
): Promise<void> {
  if (events.length) {
    const e = events.map(eventParams);
    await db.query(
      `INSERT INTO events (id, first, last, size, centroid)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[], $5::text[])
       ON CONFLICT (id) DO UPDATE SET first = excluded.first, last = excluded.last, size = excluded.size, centroid = excluded.centroid`,
      [e.map((r) => r.id), e.map((r) => r.first), e.map((r) => r.last), e.map((r) => r.size), e.map((r) => r.centroid)],
    );
    const named = events.flatMap((ev) => (ev.names ?? []).map((name) => [name, ev.id, ev.last.getTime()] as const));
    if (named.length)
      await db.query(
        `INSERT INTO event_names (name, event, last) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (name, event) DO UPDATE SET last = excluded.last`,
        [named.map((n) => n[0]), named.map((n) => n[1]), named.map((n) => n[2])],
      );
  }
  if (members.length) {
    const m = members.map(memberParams);
    await db.query(
      `INSERT INTO event_members (article, event, published, score, shared, gap_hours, terms)
       SELECT t.article, t.event, a.published, t.score, t.shared, t.gap_hours, t.terms
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::float8[], $6::text[]) AS t(article, event, score, shared, gap_hours, terms)
       JOIN articles a ON a.id = t.article
       ON CONFLICT (article) DO UPDATE SET event = excluded.event, score = excluded.score, shared = excluded.shared, gap_hours = excluded.gap_hours, terms = excluded.terms`,
      [
        m.map((r) => r.article),
        m.map((r) => r.event),
        m.map((r) => r.score),
        m.map((r) => r.shared),
        m.map((r) => r.gap_hours),
        m.map((r) => r.terms),
      ],
    );
  }
}
