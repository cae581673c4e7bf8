import { describe, expect, it } from 'vitest';
import { parseFeedDate, wallClock } from '../../src/lib/dates.js';

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

  it.each([
    // Day and month names in other languages, any case, with or without a dot
    ['Do, 22 Dez 2016 10:00:00 +0100', '2016-12-22T09:00:00Z'], // German
    ['Mo, 3. März 2025 08:15:00 MEZ', '2025-03-03T07:15:00Z'],
    ['Mi, 01 Mai 2024 12:00:00 MESZ', '2024-05-01T10:00:00Z'],
    ['Fr, 17 Okt 2025 06:00:00 GMT', '2025-10-17T06:00:00Z'],
    ['mar., 05 mars 2019 09:30:00 +0100', '2019-03-05T08:30:00Z'], // French
    ['jeu., 14 févr. 2019 18:00:00 GMT', '2019-02-14T18:00:00Z'],
    ['mer., 12 juin 2019 10:00:00 GMT', '2019-06-12T10:00:00Z'],
    ['ven., 12 juil. 2019 10:00:00 GMT', '2019-07-12T10:00:00Z'],
    ['JEU, 15 AOÛT 2019 10:00:00 GMT', '2019-08-15T10:00:00Z'],
    ['sam., 21 déc. 2019 10:00:00 GMT', '2019-12-21T10:00:00Z'],
    ['Lun, 07 Ene 2019 10:00:00 GMT', '2019-01-07T10:00:00Z'], // Spanish
    ['mié, 14 ago 2019 10:00:00 -0300', '2019-08-14T13:00:00Z'],
    ['Sáb, 21 Dic 2019 10:00:00 GMT', '2019-12-21T10:00:00Z'],
    ['Seg, 24 Set 2018 14:00:00 -0300', '2018-09-24T17:00:00Z'], // Portuguese
    ['Sex, 05 Out 2018 09:00:00 GMT', '2018-10-05T09:00:00Z'],
    ['Qui, 06 Fev 2020 09:00:00 GMT', '2020-02-06T09:00:00Z'],
    ['Segunda-feira, 02 Dez 2019 09:00:00 GMT', '2019-12-02T09:00:00Z'],
    ['Gio, 14 Giu 2018 10:00:00 +0200', '2018-06-14T08:00:00Z'], // Italian
    ['lun, 01 gen 2018 00:00:00 GMT', '2018-01-01T00:00:00Z'],
    ['Mar, 22 Mag 2018 10:00:00 GMT', '2018-05-22T10:00:00Z'],
    ['Ven, 20 Lug 2018 10:00:00 GMT', '2018-07-20T10:00:00Z'],
    ['Mer, 31 Ott 2018 10:00:00 GMT', '2018-10-31T10:00:00Z'],
    ['Zo, 03 Mrt 2019 10:00:00 +0100', '2019-03-03T09:00:00Z'], // Dutch
    ['wo, 15 mei 2019 10:00:00 GMT', '2019-05-15T10:00:00Z'],
    ['za, 12 okt. 2019 10:00:00 GMT', '2019-10-12T10:00:00Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString().replace('.000', '')).toBe(iso);
  });

  it('reads zone-less times in the source time zone', () => {
    expect(parseFeedDate('2024-07-01T12:00:00', 'Europe/Berlin')?.toISOString()).toBe('2024-07-01T10:00:00.000Z');
    expect(parseFeedDate('Mon, 01 Jan 2024 12:00:00', 'America/New_York')?.toISOString()).toBe(
      '2024-01-01T17:00:00.000Z',
    );
  });

  it.each([
    'Fri, 30 Feb 2024 10:00:00 GMT',
    '2024-02-30',
    '2023-02-29T00:00:00Z',
    '2024-13-01',
    'Thu, 18 Jan 2024 25:00:00 GMT',
    'yesterday',
    '',
    'Thu, 18 Foo 2024 11:08:24 GMT',
    'Ven, 30 Fév 2024 10:00:00 GMT',
    'sam., 13 jui 2019 10:00:00 GMT',
  ])('refuses %j', (text) => {
    expect(parseFeedDate(text)).toBeUndefined();
  });
});

describe('wallClock', () => {
  it('shows UTC (read without Intl) as Etc/UTC (read through Intl) shows it', () => {
    for (const iso of [
      '2024-01-18T13:30:59.999Z',
      '1999-12-31T23:59:00Z',
      '2024-02-29T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '0999-06-01T07:05:00Z',
    ]) {
      expect(wallClock(new Date(iso), 'UTC'), iso).toEqual(wallClock(new Date(iso), 'Etc/UTC'));
    }
    expect(wallClock(new Date('2024-01-18T13:30:00Z'), 'UTC')).toEqual({
      day: '2024-01-18',
      time: '13:30',
      zone: 'UTC',
    });
    expect(wallClock(new Date(Number.NaN), 'UTC')).toEqual({ day: '', time: '', zone: '' });
  });
});
