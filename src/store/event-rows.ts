// Event rows as both stores read them back (dedupe/events.ts decides what they hold).
import type { EventCandidate, EventMembership } from '../model.js';

export interface EventRow {
  id: string;
  first: number | string;
  last: number | string;
  size: number;
  centroid: string;
}

export interface MemberRow {
  article: string;
  event: string;
  score: number;
  shared: string;
  gap_hours: number;
  terms: string;
}

export const toEvent = (r: EventRow): EventCandidate => ({
  id: r.id,
  first: new Date(Number(r.first)),
  last: new Date(Number(r.last)),
  size: Number(r.size),
  centroid: JSON.parse(r.centroid),
});

export const toMembership = (r: MemberRow): EventMembership => ({
  article: r.article,
  event: r.event,
  score: Number(r.score),
  shared: JSON.parse(r.shared),
  gapHours: Number(r.gap_hours),
  terms: JSON.parse(r.terms),
});

/** An event as a row to write. */
export const eventParams = (e: EventCandidate) => ({
  id: e.id,
  first: e.first.getTime(),
  last: e.last.getTime(),
  size: e.size,
  centroid: JSON.stringify(e.centroid),
});

/** A membership as a row to write (its published time comes from its article). */
export const memberParams = (m: EventMembership) => ({
  article: m.article,
  event: m.event,
  score: m.score,
  shared: JSON.stringify(m.shared),
  gap_hours: m.gapHours,
  terms: JSON.stringify(m.terms),
});
