// Writes rendered files into a folder, each to a temporary name then renamed: no reader sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFiles(outDir: string, files: Iterable<[string, { body: string }]>): number {
  let count = 0;
  for (const [path, file] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, file.body);
    renameSync(temp, target);
    count += 1;
  }
  return count;
}
