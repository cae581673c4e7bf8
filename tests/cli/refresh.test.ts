// What tidings refresh reports: each failure once, warnings on lines of their own beside the live
// progress line, nothing to refresh, a folder whose every document was refused, and articles that
// tombstones keep out.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli, tempDir, writeTree } from '../helpers.js';

const seed = (text: string, stamp = '2024-03-05 10:00:00') => `${text}\n${stamp}\n#riverside\n`;

function site(config: string, files: Record<string, string | Uint8Array> = {}) {
  const dir = tempDir();
  writeTree(dir, { 'tidings.yaml': config, ...files });
  const cli = (...args: string[]) =>
    runCli([...args, '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')]);
  return { dir, cli };
}

it('reports a failing source once, on its summary line', async () => {
  const { cli } = site(
    'sources:\n  - {name: bad, type: file, path: nope.xml}\n  - {name: notes, type: seeds, path: notes}\n',
    { 'notes/a.txt': seed('Trams run late.') },
  );
  const run = await cli('refresh');
  expect(run.code).toBe(1);
  expect(`${run.out}${run.err}`.match(/nope\.xml/g)).toHaveLength(1);
  expect(run.out).toMatch(/^bad: failed: .*nope\.xml: cannot read the feed file \(ENOENT\)$/m);
});

it('says when there is nothing to refresh', async () => {
  const { dir, cli } = site('sources: []\n');
  const run = await cli('refresh');
  expect(run.code).toBe(0);
  expect(run.out).toBe(
    `nothing to refresh: ${join(dir, 'tidings.yaml')} has no sources (add one with tidings sources add URL)\n`,
  );
});

it('records a folder whose every document was refused as a failure', async () => {
  const { cli } = site('sources:\n  - {name: notes, type: seeds, path: notes}\n', {
    'notes/a.txt': 'A\0B\n2024-03-05 10:00:00\n#x\n',
    'notes/b.txt': Buffer.from([0xff, 0xfe, 0x00, 0x41]),
  });
  const run = await cli('refresh');
  expect(run.code).toBe(1);
  expect(run.out).toMatch(/^notes: failed: every one of its 2 documents was refused \(.*a\.txt: .*\)$/m);
  const [state] = JSON.parse((await cli('sources', 'list', '--json')).out);
  expect(state).toMatchObject({ name: 'notes', consecutiveErrors: 1 });
  expect(state.lastSuccess ?? null).toBeNull();
});

it('tells articles that tombstones keep out from unchanged ones', async () => {
  const { dir, cli } = site('sources:\n  - {name: notes, type: seeds, path: notes}\n', {
    'notes/a.txt': seed('Trams run late.'),
    'notes/b.txt': seed('Buses run early.'),
  });
  expect((await cli('refresh')).code).toBe(0);
  const store = await openStore(join(dir, 't.db'));
  const [one] = await store.articles({ limit: 1 });
  await store.deleteArticles([one!.id], new Date());
  await store.close();
  // Both documents change a little, so that they are read again.
  writeTree(dir, {
    'notes/a.txt': seed('Trams run late.', '2024-03-05 10:00:01'),
    'notes/b.txt': seed('Buses run early.', '2024-03-05 10:00:01'),
  });
  const run = await cli('refresh');
  expect(run.out).toMatch(/^notes: 0 new, \d updated, \d unchanged, 1 purged earlier and kept out$/m);
});

it('on a terminal, puts each warning on a line of its own above the live progress line', async () => {
  const dir = tempDir();
  writeTree(dir, {
    'tidings.yaml': 'sources:\n  - {name: notes, type: seeds, path: notes}\n',
    'notes/a.txt': 'Trams run late.\n',
  });
  const lines: [string, string][] = [];
  const sink = (name: string) =>
    Object.assign(new Writable({ write: (chunk, _e, done) => (lines.push([name, String(chunk)]), done()) }), {
      isTTY: true,
    });
  const code = await main(['refresh', '--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')], {
    out: sink('out'),
    err: sink('err'),
  });
  expect(code).toBe(0);
  const at = lines.findIndex(([name, text]) => name === 'err' && /no timestamp line/.test(text));
  expect(at).toBeGreaterThan(0);
  expect(lines[at - 1]).toEqual(['out', '\r\x1b[K']);
  expect(lines[at + 1]![1]).toMatch(/^\r\x1b\[Krefreshing: /);
});
