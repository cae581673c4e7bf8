// Labeled events as feeds: chosen BASIL events (tests/fixtures/events/basil.json), each outlet's
// reports as its own RSS file, every event moved onto the same days so that they compete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../src/lib/text.js';
import { FIXTURES, writeTree } from './helpers.js';

export interface LabeledReport {
  event: string;
  source: string;
  title: string;
  date: string;
  text: string;
}

const LABELED: LabeledReport[] = JSON.parse(readFileSync(join(FIXTURES, 'events', 'basil.json'), 'utf8')).map(
  (r: LabeledReport) => ({ ...r, source: r.source.toLowerCase() }),
);
const EVENT_IDS = [...new Set(LABELED.map((r) => r.event))];
const OUTLETS = ['nyt', 'fox', 'hpo'] as const;

/** When a report is published once its event is moved to start on `start`: its own distance from the event's first, and an hour per outlet. */
function movedDate(report: LabeledReport, start: number): Date {
  const first = Math.min(...LABELED.filter((r) => r.event === report.event).map((r) => Date.parse(r.date)));
  return new Date(
    start + (Date.parse(report.date) - first) + (10 + OUTLETS.indexOf(report.source as never)) * 3_600_000,
  );
}

/** Writes `{outlet}.xml` for each outlet with the reports of events `which` (indexes into EVENT_IDS), and returns the sources' YAML. */
export function writeEventFeeds(
  dir: string,
  which: number[],
  keep: (r: LabeledReport) => boolean = () => true,
  start = Date.UTC(2024, 0, 10),
): string {
  const reports = LABELED.filter((r) => which.some((i) => EVENT_IDS[i] === r.event) && keep(r));
  const files: Record<string, string> = {};
  for (const outlet of OUTLETS) {
    const items = reports
      .filter((r) => r.source === outlet)
      .map((r, i) => {
        const body = r.text
          .split('\n')
          .map((p) => `<p>${escapeHtml(p)}</p>`)
          .join('');
        return `<item><title>${escapeHtml(r.title)}</title><link>https://${outlet}.example/${EVENT_IDS.indexOf(r.event)}-${i}</link><guid>${outlet}-${r.event}</guid><pubDate>${movedDate(r, start).toUTCString()}</pubDate><description>${escapeHtml(body)}</description></item>`;
      });
    files[`${outlet}.xml`] =
      `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${outlet}</title><link>https://${outlet}.example/</link><description>${outlet}</description>${items.join('')}</channel></rss>`;
  }
  writeTree(dir, files);
  return OUTLETS.map((o) => `  - {name: ${o}, type: file, path: ${o}.xml}\n`).join('');
}

/** The event index of a report's title. */
export const eventOfTitle = (title: string) => EVENT_IDS.indexOf(LABELED.find((r) => r.title === title)!.event);
