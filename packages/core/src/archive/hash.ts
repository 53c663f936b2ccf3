import { createHash } from 'node:crypto';
import { closeSync, createReadStream, readFile, readFileSync } from 'node:fs';
import { ERROR_CODES } from '../errors.js';
import { archiveError, wrapReadError } from './zip-errors.js';
import { RefusedFileError, closeFile, openRegular, openRegularSync } from '../util/read-limited.js';

/** Files up to this size are hashed from one read instead of a stream. */
const SMALL_FILE = 1024 * 1024;
/** Files up to this size are read synchronously to be hashed. */
const TINY_FILE = 128 * 1024;

/**
 * Computes the SHA-256 of a file (for cache keys of archives): streamed, or
 * from one read when `sizeHint` says it is small (up to 1 MiB).
 *
 * @param path - the file to hash
 * @param sizeHint - the file's size, when the caller has just stat'ed it
 * @returns the digest as lower-case hex
 * @throws {ArchiveError} `AUG_ARCHIVE_UNREADABLE` when the file cannot be read,
 *   or is not a regular file (a FIFO, a socket, a device: never read)
 */
export async function hashFile(path: string, sizeHint?: number): Promise<string> {
  const hash = createHash('sha256');
  try {
    // only a regular file, checked on the open descriptor: a FIFO or a
    // device would block the read or never end
    if (sizeHint !== undefined && sizeHint <= TINY_FILE) {
      // a typical plugin archive: a synchronous read costs less than the
      // thread-pool round trips of an asynchronous one, and blocks for microseconds
      const { fd } = openRegularSync(path);
      try {
        hash.update(readFileSync(fd));
      } finally {
        closeSync(fd);
      }
    } else {
      const { fd } = await openRegular(path);
      if (sizeHint !== undefined && sizeHint <= SMALL_FILE) {
        // one read is much cheaper than a stream
        hash.update(await readDescriptor(fd).finally(() => closeFile(fd)));
      } else {
        for await (const chunk of createReadStream('', { fd })) hash.update(chunk as Buffer);
      }
    }
  } catch (error) {
    if (error instanceof RefusedFileError) throw wrapReadError(error, path, undefined);
    const message = error instanceof Error ? error.message : String(error);
    const fix = 'Check that the file exists and that the host may read it.';
    throw archiveError(
      ERROR_CODES.ARCHIVE_UNREADABLE,
      path,
      undefined,
      `it could not be read (${message})`,
      fix,
      error,
    );
  }
  return hash.digest('hex');
}

/** The whole rest of an open regular file. */
function readDescriptor(fd: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readFile(fd, (error, data) => {
      if (error) reject(error);
      else resolve(data);
    });
  });
}
