// Errors across a thread boundary: each comes back as its own class, with what it carries.
import { describe, expect, it } from 'vitest';
import { FetchError, fromWire, InputError, NotAFeedError, ParseError, toWire } from '../src/errors.js';

/** As a worker's error reaches the pool: through structured clone, which keeps no class. */
const across = (err: unknown) => fromWire(structuredClone(toWire(err)));

describe('toWire and fromWire', () => {
  it("carry a FetchError's details: its status, when to retry, whether the feed is gone", () => {
    const retryAfter = new Date('2030-01-01T00:02:00Z');
    const back = across(new FetchError('fetch: HTTP 429 from https://example.org/', { status: 429, retryAfter }));
    expect(back).toBeInstanceOf(FetchError);
    expect((back as FetchError).details).toEqual({ status: 429, retryAfter });
    expect((across(new FetchError('fetch: HTTP 410', { status: 410, gone: true })) as FetchError).details).toEqual({
      status: 410,
      gone: true,
    });
  });

  it.each([
    ['NotAFeedError', new NotAFeedError('an HTML page', ['https://example.org/feed']), NotAFeedError],
    ['InputError', new InputError('a.txt: empty'), InputError],
    ['ParseError', new ParseError('not XML'), ParseError],
    ['anything else, as a ParseError', new TypeError('x is undefined'), ParseError],
  ])('bring back %s', (_name, err, as) => {
    const back = across(err);
    expect(back).toBeInstanceOf(as);
    expect(back.message).toBe(err.message);
  });

  it("keep a NotAFeedError's alternates", () => {
    expect(
      (across(new NotAFeedError('an HTML page', ['https://example.org/feed'])) as NotAFeedError).alternates,
    ).toEqual(['https://example.org/feed']);
  });
});
