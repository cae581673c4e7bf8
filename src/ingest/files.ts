// Reading a local feed file: a regular file only, and never more than the size limit. A FIFO hung
// `refresh` and stalled the daemon's ticks; /dev/zero, whose stat says 0 bytes, took gigabytes
// (issue 25). So the file is opened without blocking, checked on the open handle, and read with a
// byte cap whatever stat said.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { errorMessage, InputError } from '../errors.js';

const cannotRead = (path: string, err: unknown) =>
  new InputError(`${path}: cannot read the feed file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);

export async function readFeedFile(path: string, maxBytes: number): Promise<Buffer> {
  let file: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw cannotRead(path, err);
  }
  try {
    const stat = await file.stat();
    if (!stat.isFile())
      throw new InputError(
        `${path}: not a regular file (a ${kindOf(stat)}); a feed file source reads regular files only`,
      );
    if (stat.size > maxBytes) throw tooLarge(path, maxBytes);
    return await readCapped(file, path, maxBytes);
  } catch (err) {
    throw err instanceof InputError ? err : cannotRead(path, err);
  } finally {
    await file.close();
  }
}

const tooLarge = (path: string, maxBytes: number) => new InputError(`${path}: larger than the ${maxBytes} byte limit`);

/** Up to `maxBytes` of the file; throws if there is more (a file that grew since its stat). */
async function readCapped(file: FileHandle, path: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
    const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
    if (!bytesRead) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(path, maxBytes);
  }
}

function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return 'folder';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  return 'special file';
}
