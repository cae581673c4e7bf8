// Reading seed folders: an unchanged document costs a stat; a touched one with the same bytes is not parsed again.
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeedFolder } from '../../src/ingest/seeds.js';
import type { DocumentStamp } from '../../src/model.js';
import { tempDir, writeTree } from '../helpers.js';

const MIB = 1024 * 1024;
const byIdentity = (stamps: DocumentStamp[]) => Object.fromEntries(stamps.map((s) => [s.identity, s]));

describe('readSeedFolder', () => {
  it('reads every *.txt below the folder, in name order, and stamps each', () => {
    const dir = tempDir();
    writeTree(dir, { 'b.txt': 'B.\n', 'a.txt': 'A.\n', 'sub/c.txt': 'C.\n', 'notes.md': 'not a seed' });
    const folder = readSeedFolder(dir, MIB);
    expect(folder.files.map((f) => f.identity)).toEqual(['a.txt', 'b.txt', 'sub/c.txt']);
    expect(folder.stamps.map((s) => s.identity)).toEqual(['a.txt', 'b.txt', 'sub/c.txt']);
    expect(folder.stamps[0]).toMatchObject({ size: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(folder.unchanged).toBe(0);
  });

  it('skips what is as it was (same size and time) without reading it, and what was touched but is the same', () => {
    const dir = tempDir();
    writeTree(dir, { 'a.txt': 'A.\n', 'b.txt': 'B.\n', 'c.txt': 'C.\n' });
    const then = new Date(2029, 0, 1); // whole seconds: set again exactly below
    for (const f of ['a.txt', 'b.txt', 'c.txt']) utimesSync(join(dir, f), then, then);
    const known = byIdentity(readSeedFolder(dir, MIB).stamps);
    // Unchanged stamps are believed: a file whose bytes changed behind the same size and time is not read.
    writeFileSync(join(dir, 'a.txt'), 'X.\n');
    utimesSync(join(dir, 'a.txt'), then, then);
    // Touched: a new time, the same bytes.
    utimesSync(join(dir, 'b.txt'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    // Changed.
    writeFileSync(join(dir, 'c.txt'), 'C, edited.\n');
    const again = readSeedFolder(dir, MIB, known);
    expect(again.files.map((f) => f.identity)).toEqual(['c.txt']);
    expect(again.unchanged).toBe(2);
    expect(again.stamps.map((s) => s.identity)).toEqual(['b.txt', 'c.txt']);
    expect(again.stamps[0]!.mtime).toBe(new Date(2030, 0, 1).getTime());
  });

  it('refuses a file over the limit without reading it, and a folder that cannot be read', () => {
    const dir = tempDir();
    writeTree(dir, { 'big.txt': 'x'.repeat(2048), 'ok.txt': 'Fine.\n' });
    const folder = readSeedFolder(dir, 1024);
    expect(folder.files.map((f) => f.identity)).toEqual(['ok.txt']);
    expect(folder.refused).toEqual([
      { file: join(dir, 'big.txt'), reason: 'larger than 0.0009765625 MiB (2048 bytes)' },
    ]);
    expect(() => readSeedFolder(join(dir, 'missing'), MIB)).toThrow(/missing: cannot read the seed folder \(ENOENT\)/);
  });
});
