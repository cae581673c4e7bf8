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
export function isRealDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d &&
    t.getUTCHours() === h && t.getUTCMinutes() === mi && s >= 0 && s < 61
  );
}

/** The instant of a wall-clock time in `zone`; undefined for a date that does not exist. */
export function zonedTime(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string): Date | undefined {
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
    zoneText === 'Z' ? 0 : (zoneText[0] === '-' ? -1 : 1) * (Number(zoneText.slice(1, 3)) * 60 + Number(zoneText.slice(-2)));
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, frac) - offsetMin * 60_000);
}
