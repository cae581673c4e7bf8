// Issue 20, point 7: everything was shown in UTC, river and CLI times unlabeled; a Karachi desk's
// 13:30 showed as 08:30. site.timezone is the zone of display, and the zone is named.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWallClock } from '../../src/lib/dates.js';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { entry, startSite, type TestSite } from './site.js';

// 13:30 in Karachi (UTC+5) is 08:30 UTC; 02:00 in Karachi on the 19th is still the 18th in UTC.
const KARACHI_1330 = new Date('2024-01-18T08:30:00Z');
const KARACHI_0200 = new Date('2024-01-18T21:00:00Z');

describe('formatWallClock', () => {
  it.each([
    ['UTC', '2024-01-18 08:30 UTC'],
    ['Asia/Karachi', '2024-01-18 13:30 UTC+5'],
    ['Asia/Kolkata', '2024-01-18 14:00 UTC+5:30'],
    ['America/New_York', '2024-01-18 03:30 UTC-5'],
  ])('%s', (zone, shown) => expect(formatWallClock(KARACHI_1330, zone)).toBe(shown));
});

let site: TestSite;
let id: string;
beforeAll(async () => {
  site = await startSite(
    'site: {title: T, timezone: Asia/Karachi}\nsources:\n  - {name: desk, type: seeds, path: d}\n',
    {
      desk: [
        entry({ identity: 'a', title: 'Afternoon story', published: KARACHI_1330 }),
        entry({ identity: 'b', title: 'Night story', published: KARACHI_0200 }),
      ],
    },
  );
  id = (await site.store.articles()).find((a) => a.title === 'Afternoon story')!.id;
});
afterAll(() => site.close());

describe('site.timezone on pages', () => {
  it('the river shows local times with the zone, under local days', async () => {
    const page = (await site.render('index.html'))!;
    expect(page).toContain('<time datetime="2024-01-18T08:30:00.000Z">13:30 UTC+5</time>');
    expect(page).toContain('<time datetime="2024-01-18T21:00:00.000Z">02:00 UTC+5</time>');
    expect(page).toContain('<time datetime="2024-01-19">Friday, January 19, 2024</time>');
  });

  it("an article's page shows its local date, time and zone", async () => {
    expect(await site.render(`articles/${id}.html`)).toContain('>2024-01-18 13:30 UTC+5</time>');
  });

  it('a search lists each date in the zone', async () => {
    expect((await site.get('/search?q=afternoon')).body).toContain('>2024-01-18 13:30 UTC+5</time>');
  });
});

describe('site.timezone in the CLI', () => {
  it('tidings articles prints local times with the zone; without site.timezone, UTC named', async () => {
    const dir = tempDir();
    writeTree(dir, { 'seeds/a.txt': 'Text.\n2024-01-18T13:30:00+05:00\n#Karachi\n' });
    const yaml = (site: string) => `site: {${site}}\nsources:\n  - {name: desk, type: seeds, path: seeds}\n`;
    const args = ['--config', join(dir, 't.yaml'), '--db', join(dir, 't.db')];
    writeTree(dir, { 't.yaml': yaml('timezone: Asia/Karachi') });
    await runCli(['refresh', ...args]);
    expect((await runCli(['articles', ...args])).out).toMatch(/^2024-01-18 13:30 UTC\+5 {2}\w+ {2}desk {2}Karachi/);
    writeTree(dir, { 't.yaml': yaml('') });
    expect((await runCli(['articles', ...args])).out).toMatch(/^2024-01-18 08:30 UTC {2}/);
  });

  it('refuses a zone that is not one, naming the key', async () => {
    const dir = tempDir();
    writeTree(dir, { 't.yaml': 'site: {timezone: Mars/Olympus}\nsources: []\n' });
    const run = await runCli(['articles', '--config', join(dir, 't.yaml'), '--db', join(dir, 't.db')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('site.timezone: expected an IANA time zone');
  });
});
