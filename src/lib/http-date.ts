// HTTP dates as RFC 9110 §5.6.7 defines them, and nothing else: IMF-fixdate, and the obsolete
// RFC 850 and asctime forms a recipient must also accept. Date.parse takes "2031" or "tomorrow"
// too, and a conditional request must not be answered on a guess.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(?<month>${MONTHS.join('|')})`;
const TIME = '(?<h>\\d\\d):(?<m>\\d\\d):(?<s>\\d\\d)';
const FORMS = [
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<day>\\d\\d) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  new RegExp(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (?<day>\\d\\d)-${MONTH}-(?<yy>\\d\\d) ${TIME} GMT$`),
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`),
];

/** Milliseconds since the epoch, or undefined when the text is not an HTTP date. */
export function parseHttpDate(text: string): number | undefined {
  const g = FORMS.map((form) => form.exec(text)?.groups).find(Boolean);
  if (!g) return undefined;
  // A two-digit year more than 50 years ahead is in the past century (§5.6.7).
  const yy = Number(g.yy);
  const year = g.year ? Number(g.year) : 2000 + yy > new Date().getUTCFullYear() + 50 ? 1900 + yy : 2000 + yy;
  const [day, h, m, s] = [g.day, g.h, g.m, g.s].map(Number) as [number, number, number, number];
  const time = Date.UTC(year, MONTHS.indexOf(g.month!), day, h, m, s);
  // What Date.UTC would roll over (31 Feb, 25:00:00) is no date.
  const back = new Date(time);
  return back.getUTCDate() === day &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === m &&
    back.getUTCSeconds() === s
    ? time
    : undefined;
}
