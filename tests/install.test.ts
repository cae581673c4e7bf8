// The production install the deploy guide documents, in a temporary clone of this repository (all
// of it but useradd and systemctl): npm ci builds dist/, npm prune --omit=dev drops the build tools,
// and what is left runs Tidings on its samples. npm prints no engine warning on the Node we promise.
// It downloads and compiles (better-sqlite3 from source): a few minutes, so it runs when
// TIDINGS_INSTALL_TEST=1 (CI sets it) and is skipped, saying so, otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = resolve(__dirname, '..');
const WANTED = process.env.TIDINGS_INSTALL_TEST === '1';
const name = `the documented production install works in a fresh clone${WANTED ? '' : ' (skipped: set TIDINGS_INSTALL_TEST=1; CI does)'}`;

it.skipIf(!WANTED)(name, { timeout: 15 * 60_000 }, () => {
  const guide = readFileSync(join(ROOT, 'deploy/tidings.service'), 'utf8');
  // The steps as the unit file's header gives them, so that the test fails when they change.
  expect(guide).toContain('npm ci && sudo -u tidings npm prune --omit=dev');
  const dir = join(tempDir(), 'tidings');
  execFileSync('git', ['clone', '--quiet', ROOT, dir]);
  const npm = (...args: string[]) => {
    const run = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
    expect(run.status, `npm ${args.join(' ')}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    return `${run.stdout}${run.stderr}`;
  };
  expect(npm('ci')).not.toMatch(/EBADENGINE/);
  npm('prune', '--omit=dev');
  const tidings = (...args: string[]) =>
    execFileSync(process.execPath, [join(dir, 'bin/tidings.js'), ...args], { cwd: dir, encoding: 'utf8' });
  expect(tidings('--version').trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expect(tidings('refresh', '--db', join(dir, 'storage/t.db'))).toMatch(/new/);
  expect(tidings('build', '--db', join(dir, 'storage/t.db'), '--out', join(dir, 'public'))).toMatch(/^wrote \d+ files/);
});
