import {
  close,
  closeSync,
  constants,
  fstat,
  fstatSync,
  open,
  openSync,
  read,
  readSync,
  stat,
  statSync,
  type Stats,
} from 'node:fs';

// O_NONBLOCK: opening a FIFO for reading never waits for a writer (regular
// files ignore the flag). O_NOCTTY: a terminal device never becomes ours.
// Neither exists on Windows, which has no FIFOs to fear.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** What a file that is not read turned out to be. */
export type RefusedKind =
  | 'FIFO'
  | 'socket'
  | 'character device'
  | 'block device'
  | 'directory'
  | 'special file'
  | 'too large';

/**
 * A file left unread: not a regular file (reading a FIFO or a device could
 * block or never end), or over the caller's size limit. `message` says what
 * the file is, to follow its path: `is a FIFO, not a regular file`.
 */
export class RefusedFileError extends Error {
  /**
   * @param kind - what the file turned out to be, or `too large`
   * @param message - what the file is, to follow its path
   */
  constructor(
    readonly kind: RefusedKind,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedFileError';
  }
}

/** An open descriptor on a regular file, with its stats. */
export interface OpenedFile {
  /** The open descriptor. */
  readonly fd: number;
  /** Its stats, from `fstat`. */
  readonly stats: Stats;
}

/**
 * Opens `path` for reading only when it is a regular file, checked on the
 * opened descriptor (a swap between a check and the read cannot fool it).
 *
 * @throws {RefusedFileError} when it is not a regular file; system errors as they are
 */
export function openRegularSync(path: string): OpenedFile {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw refusedOnOpen(error as Error, () => statSync(path));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegularOrDirectory(stats, path);
    return { fd, stats };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** {@link openRegularSync} with the callback API. */
export async function openRegular(path: string): Promise<OpenedFile> {
  const fd = await new Promise<number>((resolve, reject) => {
    open(path, OPEN_FLAGS, (error, opened) => {
      if (error === null) resolve(opened);
      else {
        stat(path, (_, stats) => {
          reject(refusedOnOpen(error, () => stats));
        });
      }
    });
  });
  const stats = await new Promise<Stats>((resolve, reject) => {
    fstat(fd, (error, got) => {
      if (error !== null) reject(error);
      else if (!got.isFile()) reject(notRegularOrDirectory(got, path));
      else resolve(got);
    });
  }).catch(async (error: unknown) => {
    await closeFile(fd);
    throw error;
  });
  return { fd, stats };
}

/** Closes a descriptor from {@link openRegular}; never rejects. */
export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve) => {
    close(fd, () => {
      resolve();
    });
  });
}

/**
 * Reads a regular file as UTF-8, at most `limit` bytes: a larger file (by its
 * size, or by what a read returns when the size lies, as in `/proc`) is
 * refused, without reading more than `limit + 1` bytes.
 *
 * @throws {RefusedFileError} not a regular file, or over `limit`; system errors as they are
 */
export function readLimitedSync(path: string, limit: number): string {
  const { fd, stats } = openRegularSync(path);
  return readOpenedSync(fd, stats.size, limit);
}

/**
 * {@link readLimitedSync} of a file a directory walk has just seen as a
 * regular file of `size` bytes: no `fstat`, one system call less and no
 * `Stats` object. Safe when the file has changed since: it is opened with
 * `O_NONBLOCK`, so a FIFO put in its place cannot block (its read returns
 * nothing, or fails with `EAGAIN`), a device is read at most `limit + 1`
 * bytes, and a size that grew or shrank only changes when the reading ends.
 *
 * @param size - the size the walk saw
 * @throws {RefusedFileError} over `limit`; system errors as they are
 */
export function readSeenFileSync(path: string, size: number, limit: number): string {
  return readOpenedSync(openSync(path, OPEN_FLAGS), size, limit);
}

/** Reads (and then closes) an open descriptor, starting from the size it is said to have. */
function readOpenedSync(fd: number, size: number, limit: number): string {
  try {
    const loop = readLoop(size, limit);
    let step = loop.next();
    while (step.done !== true) {
      const { buffer, offset } = step.value;
      step = loop.next(readSync(fd, buffer, offset, buffer.length - offset, null));
    }
    return step.value;
  } finally {
    closeSync(fd);
  }
}

/** {@link readLimitedSync} with the callback API. */
export async function readLimited(path: string, limit: number): Promise<string> {
  const { fd, stats } = await openRegular(path);
  try {
    const loop = readLoop(stats.size, limit);
    let step = loop.next();
    while (step.done !== true) {
      const { buffer, offset } = step.value;
      step = loop.next(await readInto(fd, buffer, offset));
    }
    return step.value;
  } finally {
    await closeFile(fd);
  }
}

/**
 * The reading of both readers, without the I/O: yields where the next read
 * goes and takes the number of bytes it read (0 at the end of the file);
 * returns the text. Reads at most `limit + 1` bytes, whatever `size` claims.
 */
function* readLoop(
  size: number,
  limit: number,
): Generator<{ buffer: Buffer; offset: number }, string, number> {
  checkSize(size, limit);
  let buffer: Buffer = Buffer.allocUnsafe(Math.min(limit, size) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) throw tooLarge(length, limit);
      buffer = grow(buffer, limit);
    }
    const count = yield { buffer, offset: length };
    if (count === 0) break;
    length += count;
    // the whole size the file reported, in a read that asked for more: the end
    // of the file, without the empty read that would say so (one system call
    // less per manifest and package.json). A size of 0 (as `/proc` reports)
    // reads on until a read returns nothing.
    if (length === size && size > 0 && length < buffer.length) break;
  }
  checkSize(length, limit);
  return buffer.toString('utf8', 0, length);
}

function readInto(fd: number, buffer: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, buffer.length - offset, null, (error, count) => {
      if (error !== null) reject(error);
      else resolve(count);
    });
  });
}

/** A buffer twice as large (at least 64 KiB), never over `limit + 1` bytes. */
function grow(buffer: Buffer, limit: number): Buffer {
  const next = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(buffer.length * 2, 65_536)));
  buffer.copy(next);
  return next;
}

function checkSize(size: number, limit: number): void {
  if (size > limit) throw tooLarge(size, limit);
}

/** `2.3 MiB`, `512 KiB`, `10 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function tooLarge(size: number, limit: number): RefusedFileError {
  const what = size > limit + 1 ? formatBytes(size) : `more than ${formatBytes(limit)}`;
  return new RefusedFileError('too large', `is ${what}, over the ${formatBytes(limit)} limit`);
}

/** The error for a file whose stats show it is not a regular file: `is a FIFO, not a regular file`. */
export function notRegular(stats: Stats): RefusedFileError {
  const kind = kindOf(stats);
  return new RefusedFileError(kind, `is a ${kind}, not a regular file`);
}

/** A directory fails as `readFile` fails on one (`EISDIR`); anything else is refused. */
function notRegularOrDirectory(stats: Stats, path: string): Error {
  if (!stats.isDirectory()) return notRegular(stats);
  const error = new Error(`EISDIR: illegal operation on a directory, read '${path}'`);
  return Object.assign(error, { code: 'EISDIR', syscall: 'read', path });
}

function kindOf(stats: Stats): RefusedKind {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isDirectory()) return 'directory';
  return 'special file';
}

/**
 * Opening a socket fails with ENXIO (and some devices with other codes): say
 * what the file is when a stat shows it is not a regular file.
 */
function refusedOnOpen(error: Error, statOf: () => Stats | undefined): Error {
  let stats: Stats | undefined;
  try {
    stats = statOf();
  } catch {
    return error;
  }
  return stats !== undefined && !stats.isFile() && !stats.isDirectory() ? notRegular(stats) : error;
}
