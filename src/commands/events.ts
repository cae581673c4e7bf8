// Events in words, for `tidings articles --events` and `tidings explain`: which reports an event
// has, and why an article is in its event or kept out of the events near it.
import type { EventSettings } from '../config/schema.js';
import { EventPool, isName, keptApartBy } from '../dedupe/events.js';
import type { EventCandidate, EventMembership } from '../model.js';
import type { Store } from '../store/store.js';
import { articleLine } from './articles.js';
import type { Session } from '../session/session.js';

const DAY = 86_400_000;
const NEAREST = 3;
/** `tidings articles --events` lists at most this many events (the latest). */
const LISTED = 50;
/** How many candidate events explain compares an article with, as the ingest does. */
const CANDIDATES = 2000;

/** Shared terms in words: the names, then the other words. */
function termList(terms: string[]): string {
  const names = terms.filter(isName).map((t) => t.slice(2));
  const words = terms.filter((t) => !isName(t));
  return (
    [names.length && `names ${names.join(', ')}`, words.length && `words ${words.join(', ')}`]
      .filter(Boolean)
      .join('; ') || 'nothing'
  );
}

/** The rule in words, with the settings in force. */
export const describeEventRule = (s: EventSettings) =>
  `events: TF-IDF cosine over lemmas and names (title and lead weigh more) at least ${s.threshold}, at least 2 names shared, within ${s.windowDays * 24} hours`;

/** `tidings articles --events`: the latest events of two or more reports, each with its reports, newest first. */
export async function listEvents(session: Session, json: boolean): Promise<number> {
  const store = await session.store();
  const events = await store.latestEvents(2, LISTED);
  for (const event of events) {
    const members = await store.eventArticles(event.id);
    if (json) {
      session.print(
        JSON.stringify({
          event: event.id,
          first: event.first,
          last: event.last,
          members: members.map((a) => ({ id: a.id, source: a.source, title: a.title, published: a.published })),
        }),
      );
      continue;
    }
    session.print(
      `event ${event.id} (${members.length} reports, ${event.first.toISOString().slice(0, 16)} to ${event.last.toISOString().slice(0, 16)})`,
    );
    for (const a of members) session.print(`  ${articleLine(a)}`);
  }
  if (!events.length) session.io.err.write('no events of more than one report\n');
  return 0;
}

/** For an article alone in its event: the nearest other events, and what kept it out of each. */
async function nearestEvents(
  store: Store,
  m: EventMembership,
  published: Date,
  settings: EventSettings,
): Promise<string[]> {
  const window = settings.windowDays * DAY;
  const others = (
    await store.eventsBetween(
      new Date(published.getTime() - window),
      new Date(published.getTime() + window),
      CANDIDATES,
    )
  ).filter((e) => e.id !== m.event);
  const near = new EventPool(others, true).nearest(m.terms, published.getTime()).slice(0, NEAREST);
  if (!near.length) return [`  no other event within ${settings.windowDays * 24} hours shares a term with it`];
  return near.map(({ event, similarity, gap }) => {
    const apart = keptApartBy(similarity, gap, settings);
    const figures = `similarity ${similarity.score.toFixed(3)}, ${gap.toFixed(1)} hours apart, shared: ${termList(similarity.shared.slice(0, 8))}`;
    return `  event ${event.id} (${event.size} reports): ${figures}; ${apart ? `kept apart: ${apart}` : 'the rule accepts it now (the event grew after this article came)'}`;
  });
}

/** The lines `tidings explain` prints about an article's event. */
export async function explainEvent(
  store: Store,
  id: string,
  published: Date,
  settings: EventSettings,
): Promise<string[]> {
  const m = (await store.eventMemberships([id])).get(id);
  if (!m)
    return [
      settings.enabled
        ? 'event: none (stored before events were recorded)'
        : 'event: none (events are off: dedupe.events.enabled)',
    ];
  const event = (await store.event(m.event)) as EventCandidate | undefined;
  const members = await store.eventArticles(m.event);
  const lines: string[] = [];
  if (m.event === id && members.length > 1)
    lines.push(
      `started event ${m.event}; ${members.length - 1} other report${members.length === 2 ? '' : 's'} joined it`,
    );
  else if (m.event === id) {
    lines.push(`event ${m.event}: reported by this article alone; ${describeEventRule(settings)}. The nearest events:`);
    lines.push(...(await nearestEvents(store, m, published, settings)));
  } else
    lines.push(
      `joined event ${m.event}: similarity ${m.score.toFixed(3)}, ${m.gapHours.toFixed(1)} hours from its nearest report, shared: ${termList(m.shared)}`,
    );
  if (members.length > 1) {
    lines.push(
      `event ${m.event}: ${members.length} reports${event ? `, ${event.first.toISOString().slice(0, 16)} to ${event.last.toISOString().slice(0, 16)}` : ''}`,
    );
    for (const a of members) lines.push(`  ${articleLine(a)}`);
  }
  return lines;
}
