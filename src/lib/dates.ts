// Wall-clock times in a named zone → instants.

/** The offset of `zone` from UTC at the instant `utcMs`, in milliseconds. */
function zoneOffset(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Components that must exist on the calendar: 30 February is refused, never rolled over. */
function isRealDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    s >= 0 &&
    s < 61
  );
}

/** The instant of a wall-clock time in `zone`; undefined for a date that does not exist. */
function zonedTime(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): Date | undefined {
  if (!isRealDate(y, mo, d, h, mi, Math.min(s, 59))) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes settle the offset across a daylight-saving change.
  let utc = wall - zoneOffset(wall, zone);
  utc = wall - zoneOffset(utc, zone);
  return new Date(utc);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const ZONED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A timestamp line of a seed document: `YYYY-MM-DD HH:MM:SS` read in `zone`, or ISO 8601 with a
 * zone or offset. Undefined when the text is not such a timestamp or names a date that does not exist.
 */
export function looksLikeTimestamp(text: string): boolean {
  return LOCAL.test(text) || ZONED.test(text);
}

export function parseTimestamp(text: string, zone: string): Date | undefined {
  const local = LOCAL.exec(text);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1, 7).map((v) => Number(v ?? 0)) as number[];
    return zonedTime(y!, mo!, d!, h!, mi!, s!, zone);
  }
  const zoned = ZONED.exec(text);
  if (!zoned) return undefined;
  const [y, mo, d, h, mi, s] = zoned.slice(1, 7).map((v) => Number(v ?? 0)) as number[];
  if (!isRealDate(y!, mo!, d!, h!, mi!, Math.min(s!, 59))) return undefined;
  const frac = zoned[7] ? Math.round(Number(zoned[7]) * 1000) : 0;
  const zoneText = zoned[8]!.toUpperCase();
  const offsetMin =
    zoneText === 'Z'
      ? 0
      : (zoneText[0] === '-' ? -1 : 1) * (Number(zoneText.slice(1, 3)) * 60 + Number(zoneText.slice(-2)));
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, frac) - offsetMin * 60_000);
}

// Month names by their first three letters, without accents: English, German, French, Spanish,
// Portuguese, Italian and Dutch ("Dez", "févr.", "mars", "Mrt", "ago", "set", "out", "ott"…).
const MONTHS: Record<string, number> = {
  jan: 1,
  ene: 1,
  gen: 1,
  feb: 2,
  fev: 2,
  mar: 3,
  mrt: 3,
  apr: 4,
  abr: 4,
  avr: 4,
  may: 5,
  mai: 5,
  mag: 5,
  mei: 5,
  jun: 6,
  giu: 6,
  jul: 7,
  lug: 7,
  aug: 8,
  ago: 8,
  aou: 8,
  sep: 9,
  set: 9,
  oct: 10,
  okt: 10,
  out: 10,
  ott: 10,
  nov: 11,
  dec: 12,
  dez: 12,
  dic: 12,
};

/** A month's number from its name or abbreviation in any of those languages, any case, with or without a dot. */
function monthOf(name: string): number | undefined {
  const key = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  // French "juin" and "juil." share their first three letters.
  if (key.startsWith('jui')) return key.startsWith('juin') ? 6 : key.startsWith('juil') ? 7 : undefined;
  return MONTHS[key.slice(0, 3)];
}

// RFC 822 §5.1 zones, US zones and military letters (J is not used; Z is UTC).
const NAMED_ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
  AST: -4,
  ADT: -3,
  HST: -10,
  AKST: -9,
  AKDT: -8,
  CET: 1,
  CEST: 2,
  BST: 1,
  IST: 5.5,
  JST: 9,
  MET: 1,
  MEST: 2,
  MEZ: 1,
  MESZ: 2,
};

function zoneMinutes(zone: string | undefined): number | undefined {
  if (!zone) return undefined;
  const z = zone.toUpperCase();
  if (z in NAMED_ZONES) return NAMED_ZONES[z]! * 60;
  const offset = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (offset) return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
  if (/^[A-IK-Y]$/.test(z)) {
    // RFC 822 §5.2 as written: A–I are −1…−9, K–M −10…−12, N–Y +1…+12.
    const c = z.charCodeAt(0);
    if (c <= 73) return -(c - 64) * 60;
    if (c <= 77) return -(c - 65) * 60;
    return (c - 77) * 60;
  }
  return undefined;
}

function instant(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  offsetMin: number | undefined,
  zone: string,
): Date | undefined {
  if (!isRealDate(y, mo, d, h, mi, Math.min(s, 59))) return undefined;
  if (offsetMin === undefined) return zonedTime(y, mo, d, h, mi, s, zone);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000);
}

const fullYear = (y: string) => (y.length === 2 ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y));

// W3C-DTF and RFC 3339 / ISO 8601: 2003, 2003-12, 2003-12-31, 2003-12-31T10:14:55.123-08:00, 20031231T101455Z.
const ISO =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,5})?$/i;
// RFC 822 and its real-world variants: weekday optional (and not checked), two-digit years, no
// seconds, day and month names in other languages ("Seg, 24 Set 2018", "mar., 05 mars 2019").
const RFC822 =
  /^(?:[\p{L}-]+\.?,?\s*)?(\d{1,2})\.?[\s-]+(\p{L}+)\.?[\s-]+(\d{2}|\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2})?$/u;
// asctime and the JavaScript toString(): "Sun Jan  4 16:29:06 2004", "Jan 4 2004 16:29:06 GMT".
const ASCTIME =
  /^(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\s+(\d{1,2}),?\s+(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{4})|(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?)\s*([A-Za-z]{1,5}|(?:GMT|UTC)?[+-]\d{1,2}:?\d{2})?(?:\s*\(.*\))?$/;

/**
 * A feed's date in any of the formats seen in the wild. Zone-less times are read in `zone`.
 * Impossible dates (30 February) give undefined, never a rolled-over date.
 */
export function parseFeedDate(raw: string | undefined, zone = 'UTC'): Date | undefined {
  const text = raw?.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  let m = ISO.exec(text);
  if (m) {
    const [, y, mo = '1', d = '1', h, mi, s] = m;
    const z = m[7];
    const offset = z ? zoneMinutes(z) : h === undefined ? 0 : undefined; // a bare date is UTC
    if (z && offset === undefined) return undefined;
    return instant(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), offset, zone);
  }
  m = RFC822.exec(text);
  if (m) {
    const month = monthOf(m[2]!);
    const offset = zoneMinutes(m[7]);
    if (!month || (m[7] && offset === undefined)) return undefined;
    return instant(
      fullYear(m[3]!),
      month,
      Number(m[1]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      offset,
      zone,
    );
  }
  m = ASCTIME.exec(text);
  if (m) {
    const month = monthOf(m[1]!);
    const offset = zoneMinutes(m[11]);
    if (!month || (m[11] && offset === undefined)) return undefined;
    const [y, h, mi, s] = m[6] ? [m[6], m[3], m[4], m[5]] : [m[7], m[8], m[9], m[10]];
    return instant(Number(y), month, Number(m[2]), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), offset, zone);
  }
  return undefined;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment as the clock on a wall in `zone` shows it, and the zone's name at that moment:
 * { day: "2024-01-18", time: "13:30", zone: "UTC+5" } for Asia/Karachi, zone "UTC" for UTC. An
 * invalid date gives empty strings.
 */
export function wallClock(date: Date, zone: string): { day: string; time: string; zone: string } {
  if (Number.isNaN(date.getTime())) return { day: '', time: '', zone: '' };
  // UTC, the default, without Intl: a command that prints a few times then never loads ICU's zone data (tens of ms).
  const iso = zone === 'UTC' ? date.toISOString() : '';
  if (iso.length === 24 && iso[0] !== '0') return { day: iso.slice(0, 10), time: iso.slice(11, 16), zone: 'UTC' };
  let format = wallClocks.get(zone);
  if (!format) {
    const options = {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    } as const;
    wallClocks.set(zone, (format = new Intl.DateTimeFormat('en-US', options)));
  }
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const offset = (part.timeZoneName ?? 'GMT').replace(/^GMT/, 'UTC').replace(/^UTC[+-]0$/, 'UTC');
  return { day: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}`, zone: offset };
}

/** "2024-01-18 13:30 UTC+5": a date and time in `zone`, the zone named. */
export function formatWallClock(date: Date, zone: string): string {
  const { day, time, zone: name } = wallClock(date, zone);
  return day ? `${day} ${time} ${name}` : '';
}
