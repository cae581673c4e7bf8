// Issue 25: bad input to the CLI gets one clear line: a huge --limit, OPML nested 10,000 deep; and a
// read-only database still serves the commands that only read.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const RSS =
  '<rss version="2.0"><channel><title>T</title><item><guid>g1</guid><title>Trams run late</title></item></channel></rss>';

function site() {
  const dir = tempDir();
  writeFileSync(join(dir, 'f.xml'), RSS);
  writeFileSync(join(dir, 'tidings.yaml'), 'sources:\n  - {name: f, type: file, path: f.xml}\n');
  const cli = (...args: string[]) =>
    runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
  return { dir, cli };
}

/** Whether the file system can make a file immutable (root cannot be kept out by permissions). */
function immutable(file: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the CLI', () => {
  it('refuses a huge --limit with a clear message, not "datatype mismatch"', async () => {
    const { cli } = site();
    const run = await cli('articles', '--limit', '99999999999999999999');
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      "option '--limit <n>' argument '99999999999999999999' is invalid. expected a whole number from 1 to 1000000",
    );
  });

  it('refuses OPML nested 10,000 deep in one line, without overflowing the stack', async () => {
    const { dir, cli } = site();
    const opml = `<opml version="2.0"><body>${'<outline text="f">'.repeat(10_000)}<outline text="x" xmlUrl="https://a.example/f"/>${'</outline>'.repeat(10_000)}</body></opml>`;
    writeFileSync(join(dir, 'deep.opml'), opml);
    const run = await cli('import', join(dir, 'deep.opml'));
    expect(run.code).toBe(1);
    expect(run.err.trim()).toBe(`error: ${join(dir, 'deep.opml')}: outlines nested more than 100 deep`);
  });

  it('reads a database it may not write: articles and build work, refresh says why it cannot', async (ctx) => {
    const { dir, cli } = site();
    expect((await cli('refresh')).code).toBe(0);
    const db = join(dir, 't.db');
    if (!immutable(db, true)) return ctx.skip();
    try {
      const articles = await cli('articles');
      expect(articles.err).not.toContain('error');
      expect(articles.out).toContain('Trams run late');
      const build = await cli('build', '--out', join(dir, 'out'));
      expect(build.err).not.toContain('error');
      expect(build.code).toBe(0);
      const refresh = await cli('refresh');
      expect(`${refresh.out}${refresh.err}`).toContain(`${db}: cannot write: attempt to write a readonly database`);
    } finally {
      immutable(db, false);
    }
  });
});
