import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../src/lib/dates.js';

describe('parseFeedDate', () => {
  it.each([
    // RFC 822 and real-world variants
    ['Thu, 18 Jan 2024 11:08:24 GMT', '2024-01-18T11:08:24Z'],
    ['Thu, 18 Jan 2024 11:08:24 +0000', '2024-01-18T11:08:24Z'],
    ['Thu, 18 Jan 2024 06:08:24 EST', '2024-01-18T11:08:24Z'],
    ['Thu, 18 Jan 2024 04:08:24 PDT', '2024-01-18T11:08:24Z'],
    ['Thu, 18 Jan 2024 11:08:24 Z', '2024-01-18T11:08:24Z'],
    ['Thu, 18 Jan 2024 10:08:24 N', '2024-01-18T09:08:24Z'],
    ['Thu, 18 Jan 2024 11:08 GMT', '2024-01-18T11:08:00Z'],
    ['18 Jan 2024 11:08:24 GMT', '2024-01-18T11:08:24Z'],
    ['Mon, 18 Jan 2024 11:08:24 GMT', '2024-01-18T11:08:24Z'], // wrong weekday
    ['Thu, 18 Jan 24 11:08:24 GMT', '2024-01-18T11:08:24Z'],
    ['Sat, 18 Jan 99 11:08:24 GMT', '1999-01-18T11:08:24Z'],
    ['Thu, 18 January 2024 11:08:24 +05:30', '2024-01-18T05:38:24Z'],
    ['Thu, 18 Jan 2024 11:08:24', '2024-01-18T11:08:24Z'], // no zone: the source's (UTC here)
    // RFC 3339 / ISO 8601 / W3C-DTF
    ['2024-01-18T11:08:24Z', '2024-01-18T11:08:24Z'],
    ['2024-01-18T13:08:24+02:00', '2024-01-18T11:08:24Z'],
    ['2024-01-18T11:08:24.123Z', '2024-01-18T11:08:24Z'],
    ['2024-01-18 11:08:24', '2024-01-18T11:08:24Z'],
    ['2024-01-18', '2024-01-18T00:00:00Z'],
    ['2024-01', '2024-01-01T00:00:00Z'],
    ['2024', '2024-01-01T00:00:00Z'],
    ['Sun Jan 21 11:08:24 2024', '2024-01-21T11:08:24Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString().replace('.000', '')).toBe(iso);
  });

  it('reads zone-less times in the source time zone', () => {
    expect(parseFeedDate('2024-07-01T12:00:00', 'Europe/Berlin')?.toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect(parseFeedDate('Mon, 01 Jan 2024 12:00:00', 'America/New_York')?.toISOString()).toBe('2024-01-01T17:00:00.000Z');
  });

  it.each(['Fri, 30 Feb 2024 10:00:00 GMT', '2024-02-30', '2023-02-29T00:00:00Z', '2024-13-01', 'Thu, 18 Jan 2024 25:00:00 GMT', 'yesterday', '', 'Thu, 18 Foo 2024 11:08:24 GMT'])(
    'refuses %j',
    (text) => {
      expect(parseFeedDate(text)).toBeUndefined();
    },
  );
});
