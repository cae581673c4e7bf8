// The event rules on small cases: the terms an article is compared by, and the assignment.
import { describe, expect, it } from 'vitest';
import { eventTermsOf } from '../../src/dedupe/event-terms.js';
import { EventPool, keptApartBy, similarity } from '../../src/dedupe/events.js';
import type { Entry, EventTerms } from '../../src/model.js';

async function termsOf(title: string, text: string): Promise<EventTerms> {
  const [entry] = await eventTermsOf([{ title, text } as Entry]);
  return entry!.eventTerms!;
}
const names = (terms: EventTerms) => terms.map(([t]) => t).filter((t) => t.startsWith('n:'));
const SETTINGS = { enabled: true, windowDays: 2, threshold: 0.25 };

describe('event terms', () => {
  it('names without their honorifics, and a long name also by its last word', async () => {
    const terms = await termsOf('Talks resume', 'Mr. Obama met President Xi Jinping in San Francisco on Wednesday.');
    expect(names(terms)).toEqual(expect.arrayContaining(['n:obama', 'n:xi jinping', 'n:jinping', 'n:san francisco']));
    expect(names(terms).some((n) => n.includes('mr.'))).toBe(false);
  });

  it('a headline In Title Case gives words, not names', async () => {
    const terms = await termsOf('Glenn Beck Rips Progressivism at CPAC', 'The host spoke on Saturday.');
    expect(names(terms)).not.toContain('n:glenn beck rips progressivism');
    expect(terms.map(([t]) => t)).toEqual(expect.arrayContaining(['rips', 'progressivism']));
  });

  it('the title weighs more than the body, and punctuation and possessives are no terms', async () => {
    const terms = await termsOf(
      'storm floods harbour',
      "The storm's damage, the council's report and the harbour's gates: repairs start today.",
    );
    const weight = new Map(terms);
    expect(weight.get('flood')! > weight.get('repair')!).toBe(true);
    expect(terms.map(([t]) => t).filter((t) => !/^(n:)?\p{L}/u.test(t))).toEqual([]);
  });

  it('a word the model has no lemma for stands as it is (it once stopped a whole feed)', async () => {
    // The bench's made-up text: wink-eng-lite-web-model gives "cant" here no lemma.
    const terms = await termsOf('gont tavel', 'gabt vt svg bln cant. The gont was seen near the tavel.');
    expect(terms.map(([t]) => t)).toContain('cant');
  });
});

describe('event assignment', () => {
  const a: EventTerms = [
    ['n:naacp', 2],
    ['n:tea party', 2],
    ['racism', 1.5],
    ['resolution', 1],
  ];
  const event = (centroid: EventTerms, hours = 0) => ({
    id: 'e',
    first: new Date(hours * 3_600_000),
    last: new Date(hours * 3_600_000),
    size: 1,
    centroid,
  });

  it('joins the most similar event that shares two names, within the window', () => {
    const pool = new EventPool([
      event([
        ['n:naacp', 1],
        ['n:tea party', 1],
        ['racism', 1],
      ]),
      {
        ...event([
          ['n:naacp', 1],
          ['budget', 1],
        ]),
        id: 'f',
      },
    ]);
    const [best, next] = pool.nearest(a, 0);
    expect(best!.event.id).toBe('e');
    expect(keptApartBy(best!.similarity, best!.gap, SETTINGS)).toBeUndefined();
    expect(keptApartBy(next!.similarity, next!.gap, SETTINGS)).toMatch(/only 1 name in common|below the threshold/);
  });

  it('says what keeps it apart: time, names, similarity', () => {
    const same = similarity(a, a, () => 1);
    expect(keptApartBy(same, 49, SETTINGS)).toBe('49 hours apart, more than the 48-hour window');
    expect(
      keptApartBy(
        similarity([['racism', 1]], [['racism', 1]], () => 1),
        0,
        SETTINGS,
      ),
    ).toBe('no name in common');
    expect(keptApartBy({ score: 0.1, shared: [], names: 2 }, 0, SETTINGS)).toBe(
      'similarity 0.100 below the threshold 0.25',
    );
  });

  it('a term that many candidate events have counts less', () => {
    const common = Array.from({ length: 30 }, (_, i) => ({
      ...event([
        ['n:trump', 1],
        [`topic${i}`, 1],
      ]),
      id: String(i),
    }));
    const pool = new EventPool(common);
    expect(pool.idf('n:trump')).toBeLessThan(pool.idf('topic1'));
  });
});
