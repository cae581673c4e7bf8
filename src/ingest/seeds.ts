// Reading a folder of local seed documents: every *.txt below it, in name order. A document whose
// size and modification time are those it had when it was last read costs a stat.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import type { DocumentStamp, Refusal } from '../model.js';

interface SeedFile {
  /** The path that messages name. */
  file: string;
  /** The path inside the folder, "/"-separated: the article's identity. */
  identity: string;
  bytes: Uint8Array;
  mtime: Date;
}

export interface SeedFolder {
  /** The documents to parse: new, or changed since they were last read. */
  files: SeedFile[];
  refused: Refusal[];
  /** How many were skipped: the same as when they were last read. */
  unchanged: number;
  /** Each document read now (parsed or not), to skip it next time. */
  stamps: DocumentStamp[];
  /** Every document in the folder now (read, unchanged or refused): a stored one not here was deleted. */
  present: string[];
}

/** Every `*.txt` below `dir`, as paths relative to it with "/" separators, in name order. */
function listSeedFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.txt'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * Reads the seed documents of a folder that are not as `known` has them (same size and time, or
 * the same bytes); a file that cannot be read, or over `maxBytes`, is refused alone.
 */
export function readSeedFolder(
  dir: string,
  maxBytes: number,
  known: Readonly<Record<string, DocumentStamp>> = {},
): SeedFolder {
  let names: string[];
  try {
    names = listSeedFiles(dir);
  } catch (err) {
    throw new InputError(
      `${dir}: cannot read the seed folder (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`,
    );
  }
  const folder: SeedFolder = { files: [], refused: [], unchanged: 0, stamps: [], present: names };
  for (const identity of names) {
    const file = join(dir, identity);
    try {
      const stat = statSync(file);
      const before = known[identity];
      if (before && before.size === stat.size && before.mtime === Math.floor(stat.mtimeMs)) {
        folder.unchanged += 1;
        continue;
      }
      if (stat.size > maxBytes) throw new Error(`larger than ${maxBytes / 1048576} MiB (${stat.size} bytes)`);
      const bytes = readFileSync(file);
      const stamp = {
        identity,
        size: stat.size,
        mtime: Math.floor(stat.mtimeMs),
        hash: createHash('sha256').update(bytes).digest('hex'),
      };
      folder.stamps.push(stamp);
      // Touched, not changed: the bytes are those parsed last time.
      if (before?.hash === stamp.hash) folder.unchanged += 1;
      else folder.files.push({ file, identity, bytes, mtime: stat.mtime });
    } catch (err) {
      folder.refused.push({
        file,
        reason: (err as NodeJS.ErrnoException).code
          ? `cannot read it (${(err as NodeJS.ErrnoException).code})`
          : errorMessage(err),
      });
    }
  }
  return folder;
}
