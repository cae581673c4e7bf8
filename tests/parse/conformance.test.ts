// The feedparser-derived conformance corpus, scored by the shared runner through `tidings parse --json`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, SHARED } from '../helpers.js';

const RUNNER = join(SHARED, 'tools/feed-conformance.mjs');
const HAS_CORPUS = existsSync(RUNNER) && existsSync(join(SHARED, 'corpus/feedparser/expectations.jsonl'));
const FLOOR = 0.98;

describe.skipIf(!HAS_CORPUS)(`feed conformance ${HAS_CORPUS ? '' : '(skipped: ../shared/corpus is absent)'}`, () => {
  it(`passes at least ${FLOOR * 100}% of the checks`, () => {
    const run = spawnSync(
      process.execPath,
      [RUNNER, '--cmd', `${CLI.join(' ')} parse --json`, '--min', String(FLOOR)],
      { encoding: 'utf8', timeout: 240_000 },
    );
    const score = /conformance: (\d+)\/(\d+) checks passed \(([\d.]+)%\)/.exec(run.stdout);
    console.log(score?.[0] ?? run.stdout.slice(-2000));
    expect(score, run.stderr).not.toBeNull();
    expect(Number(score![1]) / Number(score![2])).toBeGreaterThanOrEqual(FLOOR);
    expect(run.status).toBe(0);
  }, 300_000);
});
