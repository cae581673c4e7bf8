// Files written to a temporary name and then renamed: no reader ever sees half a file, and none is
// left behind. A write that fails (a full disk) names its file; the temporary file goes.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const tempOf = (target: string) => `${target}.${process.pid}.tmp`;
const failed = (target: string, err: unknown) =>
  new Error(`cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const temp = tempOf(target);
  try {
    writeFileSync(temp, data);
    renameSync(temp, target);
  } catch (err) {
    removeQuietly(temp);
    throw failed(target, err);
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // not there: nothing to clean
  }
}

/**
 * Writes each (relative path, file) below `outDir`, creating folders; returns how many. The writes are
 * asynchronous, so a stop signal ends a long build between two files (it waited for the whole build,
 * issue 25); a process that exits mid-write removes its temporary file.
 */
export async function writeFiles(
  outDir: string,
  files: AsyncIterable<[string, { body: string }]> | Iterable<[string, { body: string }]>,
): Promise<number> {
  let count = 0;
  let writing: string | undefined;
  const cleanUp = () => writing && removeQuietly(writing);
  process.on('exit', cleanUp);
  try {
    for await (const [path, file] of files) {
      const target = join(outDir, path);
      writing = tempOf(target);
      try {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(writing, file.body);
        await rename(writing, target);
      } catch (err) {
        await unlink(writing).catch(() => undefined);
        throw failed(target, err);
      } finally {
        writing = undefined;
      }
      count += 1;
    }
  } finally {
    process.off('exit', cleanUp);
  }
  return count;
}
