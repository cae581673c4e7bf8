// Files written to a temporary name and then renamed: no reader ever sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, target);
}

/** Writes each (relative path, file) below `outDir`, creating folders; returns how many. */
export async function writeFiles(outDir: string, files: AsyncIterable<[string, { body: string }]> | Iterable<[string, { body: string }]>): Promise<number> {
  let count = 0;
  for await (const [path, file] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, file.body);
    count += 1;
  }
  return count;
}
