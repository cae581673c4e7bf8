// Reading a folder of local seed documents: every *.txt below it, in name order.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import type { Refusal } from '../model.js';

export interface SeedFile {
  /** The path that messages name. */
  file: string;
  /** The path inside the folder, "/"-separated: the article's identity. */
  identity: string;
  bytes: Uint8Array;
  mtime: Date;
}

export interface SeedFolder {
  files: SeedFile[];
  refused: Refusal[];
}

/** Every `*.txt` below `dir`, as paths relative to it with "/" separators, in name order. */
export function listSeedFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.txt'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Reads every seed document of a folder; a file that cannot be read, or over `maxBytes`, is refused alone. */
export function readSeedFolder(dir: string, maxBytes: number): SeedFolder {
  let names: string[];
  try {
    names = listSeedFiles(dir);
  } catch (err) {
    throw new InputError(`${dir}: cannot read the seed folder (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const folder: SeedFolder = { files: [], refused: [] };
  for (const identity of names) {
    const file = join(dir, identity);
    try {
      const stat = statSync(file);
      if (stat.size > maxBytes) throw new Error(`larger than ${maxBytes / 1048576} MiB (${stat.size} bytes)`);
      folder.files.push({ file, identity, bytes: readFileSync(file), mtime: stat.mtime });
    } catch (err) {
      folder.refused.push({ file, reason: (err as NodeJS.ErrnoException).code ? `cannot read it (${(err as NodeJS.ErrnoException).code})` : errorMessage(err) });
    }
  }
  return folder;
}
