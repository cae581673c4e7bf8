// The default suite waits for events, never for the clock: a fixed sleep (`await new Promise((ok) =>
// setTimeout(ok, 20))`) passes when the machine is fast and fails when it is loaded, or passes when
// nothing was tested. Performance is measured by `npm run bench`, not here. This reads every test
// file and fails on a sleep, naming the file and the line.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TESTS = resolve(__dirname);
/** A promise resolved by a timer and nothing else. */
const SLEEP = /new Promise(?:<[^>]*>)?\(\(?(\w+)\)? => (?:\{\s*)?setTimeout\(\1,\s*[\w.]+\)/;
/** Files allowed one, and why. */
const ALLOWED: Record<string, string> = {
  // within(): polls a condition between two looks at the daemon's feed (the daemon follows the store by polling too).
  'e2e/agree.test.ts': 'polls a condition',
  // This file's own examples of what a sleep looks like.
  'tests-wait-for-events.test.ts': 'examples',
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'fixtures' || d.name === 'bench' ? [] : files(path);
    return /\.(ts|mjs)$/.test(d.name) ? [path] : [];
  });
}

describe('the tests wait for events', () => {
  it('has no fixed sleep outside the files allowed one', () => {
    const sleeps = files(TESTS).flatMap((path) => {
      const name = relative(TESTS, path);
      if (name in ALLOWED) return [];
      return readFileSync(path, 'utf8')
        .split('\n')
        .flatMap((line, i) => (SLEEP.test(line) ? [`${name}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(sleeps).toEqual([]);
  });

  it('recognises a sleep when it sees one', () => {
    expect(SLEEP.test('await new Promise((ok) => setTimeout(ok, 20));')).toBe(true);
    expect(SLEEP.test('await new Promise((resolve) => setTimeout(resolve, MS));')).toBe(true);
    expect(SLEEP.test('const t = setTimeout(() => fail(new Error("x")), ms);')).toBe(false);
  });
});
