// Issue 25: a full disk during `build` named no file and left a .tmp behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeFiles } from '../../src/lib/write-files.js';
import { tempDir } from '../helpers.js';

// The disk fills up half way through writing b.xml.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    writeFile: async (file: string, data: string) => {
      if (!String(file).includes('b.xml')) return real.writeFile(file, data);
      await real.writeFile(file, data.slice(0, 3));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
});

describe('writeFiles', () => {
  it('names the file a full disk stopped, and leaves no temporary file', async () => {
    const out = tempDir();
    const files: [string, { body: string }][] = [
      ['a.xml', { body: 'aaaa' }],
      ['feeds/b.xml', { body: 'bbbbbbbb' }],
      ['c.xml', { body: 'c' }],
    ];
    await expect(writeFiles(out, files)).rejects.toThrow(
      `cannot write ${join(out, 'feeds/b.xml')}: ENOSPC: no space left on device, write`,
    );
    expect(readFileSync(join(out, 'a.xml'), 'utf8')).toBe('aaaa');
    expect(readdirSync(join(out, 'feeds'))).toEqual([]);
    expect(existsSync(join(out, 'c.xml'))).toBe(false);
  });
});
