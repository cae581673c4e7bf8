// Reading a local feed file, refusing one over the size limit before reading it.
import { readFile, stat } from 'node:fs/promises';
import { errorMessage, InputError } from '../errors.js';

export async function readFeedFile(path: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  try {
    ({ size } = await stat(path));
  } catch (err) {
    throw new InputError(`${path}: cannot read the feed file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  if (size > maxBytes) throw new InputError(`${path}: larger than the ${maxBytes} byte limit`);
  try {
    return await readFile(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read the feed file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
}
