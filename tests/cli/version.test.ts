// One version everywhere (issue 26): CHANGELOG.md's newest heading is package.json's version, and
// that is what `tidings --version`, a built feed's generator and the User-Agent of a fetch say.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { startServer } from '../helpers-http.js';

const ROOT = resolve(__dirname, '../..');
const PACKAGE: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const RSS = '<rss version="2.0"><channel><title>t</title><item><title>One</title><guid>1</guid></item></channel></rss>';

/** The version of CHANGELOG.md's first "## x.y.z" heading: the newest release. */
function changelogVersion(): string | undefined {
  return /^## \[?(\d+\.\d+\.\d+[^\]\s]*)\]?/m.exec(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'))?.[1];
}

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer({
    '/feed.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS),
  });
});
afterAll(() => server.close());

describe('the version', () => {
  it("is CHANGELOG.md's newest, and package.json's", () => {
    expect(changelogVersion()).toBe(PACKAGE);
  });

  it('is what tidings --version prints', async () => {
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, out: `${PACKAGE}\n` });
  });

  it("is a built feed's generator", async () => {
    const dir = tempDir();
    writeTree(dir, {
      'tidings.yaml': 'sources:\n  - {name: notes, type: seeds, path: seeds}\n',
      'seeds/a.txt': 'The council approved the new tram line.\n2024-01-18 10:00:00\n#Riverside #tram\n',
    });
    const flags = ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')];
    expect((await runCli(['refresh', ...flags])).code).toBe(0);
    expect((await runCli(['build', '--out', join(dir, 'out'), ...flags])).code).toBe(0);
    expect(readFileSync(join(dir, 'out/all.rss'), 'utf8')).toContain(`<generator>Tidings ${PACKAGE}</generator>`);
    expect(readFileSync(join(dir, 'out/all.atom'), 'utf8')).toMatch(
      new RegExp(`<generator[^>]*>Tidings ${PACKAGE.replaceAll('.', '\\.')}</generator>`),
    );
  });

  it('is in the User-Agent of a fetch', async () => {
    expect((await runCli(['parse', '--allow-private-networks', `${server.origin}/feed.xml`])).code).toBe(0);
    expect(server.hits.get('/feed.xml')!.at(-1)!.headers['user-agent']).toMatch(
      new RegExp(`^Tidings/${PACKAGE.replaceAll('.', '\\.')} \\(\\+`),
    );
  });
});
