import { close } from 'node:fs';
import type { Entry, ZipFile } from 'yauzl';
import { loadYauzl } from './yauzl.js';
import { ERROR_CODES, isAugmentError, type ArchiveError, type ErrorCode } from '../errors.js';
import { CollisionIndex, classifyEntry } from './zip-checks.js';
import { REBUILD, archiveError, wrapReadError } from './zip-errors.js';
import { REZIP, findMethodProblem } from './zip-methods.js';
import { checkEntryName, decodeEntryName } from './zip-names.js';
import { openCachedReader, type CachedReader } from './zip-reader.js';
import { openRegular } from '../util/read-limited.js';

/** Limits applied while reading the central directory (see `ArchiveLimits`). */
export interface ReadLimits {
  /** Most entries the archive may hold. */
  readonly maxEntries: number;
  /** Most bytes its entries may hold, uncompressed. */
  readonly maxBytes: number;
  /** Highest compression ratio an entry may have. */
  readonly maxRatio: number;
}

/** One central directory record that passed every header-only check. */
export interface CentralEntry {
  /** Its position in the central directory, from 0. */
  readonly index: number;
  /** The name as in the archive (decoded), for messages. */
  readonly name: string;
  /** Where it extracts, below the extraction folder: `name` without a leading `./`. */
  readonly path: string;
  /** Why it is checked but never extracted (see `checkEntryName`), if it is not. */
  readonly skip: 'root' | 'macos' | undefined;
  /** The name's bytes as stored. */
  readonly rawName: Buffer;
  /** A directory entry's name ends with `/`. */
  readonly kind: 'file' | 'directory';
  /** The compression method (0 stored, 8 deflate). */
  readonly method: number;
  /** The general purpose bit flags. */
  readonly flags: number;
  /** The CRC-32 of the uncompressed data. */
  readonly crc32: number;
  /** Its size in the archive. */
  readonly compressedSize: number;
  /** Its size once extracted. */
  readonly uncompressedSize: number;
  /** Where its local header starts. */
  readonly localHeaderOffset: number;
}

/** An open archive: yauzl's handle over our file descriptor. */
export interface OpenArchive {
  /** yauzl's handle, entries read lazily. */
  readonly zipfile: ZipFile;
  /** The reader under `zipfile`, for local headers and small entries. */
  readonly reader: CachedReader;
}

/** The central directory, read and checked. */
export interface CentralDirectory {
  /** Every record, in central directory order. */
  readonly entries: readonly CentralEntry[];
  /** Where the central directory starts: every entry's data must end here. */
  readonly offset: number;
}

const RATIO_MIN_SIZE = 1024 * 1024;
const EOCD_SIZE = 22;
const ZIP64_EOCD_SIZE = 56 + 20; // record + locator, without extensible data

/**
 * Where yauzl will read the next central record (before the first read: where
 * the central directory starts; after the last: where it ends). @types/yauzl
 * mistypes it as a boolean.
 */
function entryCursor(zipfile: ZipFile): number {
  return (zipfile as unknown as { readEntryCursor: number }).readEntryCursor;
}

/**
 * Opens an archive with yauzl over a {@link CachedReader}, which local header
 * checks and extraction read through too. The caller must call
 * `zipfile.close()`; the file is closed once nothing reads it any more.
 *
 * @param archive - path of the `.zip`
 */
export async function openArchive(archive: string): Promise<OpenArchive> {
  // a regular file only, checked on the descriptor: a FIFO would block a thread forever
  const { fd, stats } = await openRegular(archive).catch((error: unknown) => {
    throw wrapReadError(error, archive, undefined);
  });
  const size = stats.size;
  const reader = openCachedReader(fd);
  // A failed close must never become an unhandled 'error' event.
  reader.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const options = {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: true,
    };
    loadYauzl().fromRandomAccessReader(reader, size, options, (error, zipfile) => {
      if (error) {
        close(fd, () => undefined); // the reader is dropped unused
        reject(wrapReadError(error, archive, undefined));
        return;
      }
      zipfile.on('error', () => undefined);
      resolve({ zipfile, reader });
    });
  });
}

/**
 * Reads every central directory record and checks each one before the next
 * (names, types, encryption, method, limits, collisions), then checks that the
 * directory ends where the end record starts. Reads no file data.
 *
 * @param opened - from {@link openArchive}
 * @param archive - path of the `.zip`, for messages
 * @param limits - entry count, total size and ratio limits
 */
export async function readCentralDirectory(
  opened: OpenArchive,
  archive: string,
  limits: ReadLimits,
): Promise<CentralDirectory> {
  const { zipfile, reader } = opened;
  if (zipfile.entryCount === 0) {
    throw archiveError(
      ERROR_CODES.ARCHIVE_INVALID,
      archive,
      undefined,
      'it has no entries',
      REBUILD,
    );
  }
  if (zipfile.entryCount > limits.maxEntries) {
    const rule = `it has ${zipfile.entryCount} entries, more than the limit of ${limits.maxEntries}`;
    throw archiveError(ERROR_CODES.ARCHIVE_LIMIT, archive, undefined, rule);
  }
  const offset = entryCursor(zipfile);
  const state = { total: 0, names: new CollisionIndex(), limits, archive };
  const entries: CentralEntry[] = [];
  let cursor = offset;
  try {
    for await (const entry of zipfile.eachEntry()) {
      entries.push(checkEntry(entry, entries.length, state));
      cursor = entryCursor(zipfile);
    }
  } catch (error) {
    if (isAugmentError(error)) throw error;
    throw wrapReadError(error, archive, await nameAt(reader, cursor));
  }
  const end = entryCursor(zipfile);
  const endRecord = zipfile.fileSize - EOCD_SIZE - zipfile.comment.length;
  if (end !== endRecord && end + ZIP64_EOCD_SIZE !== endRecord) {
    const rule = `${endRecord - end} unexplained bytes lie between the central directory and its end record (the end record's entry count or offsets are wrong)`;
    throw archiveError(ERROR_CODES.ARCHIVE_INVALID, archive, undefined, rule);
  }
  return { entries, offset };
}

interface ReadState {
  total: number;
  readonly names: CollisionIndex;
  readonly limits: ReadLimits;
  readonly archive: string;
}

function checkEntry(entry: Entry, index: number, state: ReadState): CentralEntry {
  const { archive, limits } = state;
  const name = decodeEntryName(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    entry.fileName,
  );
  const fail = (code: ErrorCode, rule: string, fix?: string): ArchiveError =>
    archiveError(code, archive, name, rule, fix);
  // every rule applies to every entry, also to those never extracted
  const place = checkEntryName(name);
  if ('problem' in place)
    throw fail(ERROR_CODES.ARCHIVE_UNSAFE_NAME, `unsafe name: ${place.problem}`);
  const { path, skip } = place;
  const type = classifyEntry(name, entry.externalFileAttributes);
  if ('problem' in type) {
    const code = type.unsupported
      ? ERROR_CODES.ARCHIVE_UNSUPPORTED_ENTRY
      : ERROR_CODES.ARCHIVE_INVALID;
    throw fail(code, type.problem);
  }
  if (entry.isEncrypted()) throw fail(ERROR_CODES.ARCHIVE_UNSUPPORTED_ENTRY, 'it is encrypted');
  const methodProblem = findMethodProblem(entry.compressionMethod);
  if (methodProblem !== undefined) {
    throw fail(ERROR_CODES.ARCHIVE_UNSUPPORTED_ENTRY, methodProblem, REZIP);
  }
  const size = entry.uncompressedSize;
  if (type.kind === 'directory' && size !== 0)
    throw fail(ERROR_CODES.ARCHIVE_INVALID, 'a directory entry holds data');
  state.total += size;
  if (state.total > limits.maxBytes) {
    const rule = `the entries up to this one inflate to ${state.total} bytes, more than the limit of ${limits.maxBytes}`;
    throw fail(ERROR_CODES.ARCHIVE_LIMIT, rule);
  }
  if (size > RATIO_MIN_SIZE && size > limits.maxRatio * entry.compressedSize) {
    const ratio = entry.compressedSize === 0 ? 'infinite' : Math.round(size / entry.compressedSize);
    const rule = `it inflates ${entry.compressedSize} bytes to ${size} (ratio ${ratio}, more than the limit of ${limits.maxRatio})`;
    throw fail(ERROR_CODES.ARCHIVE_LIMIT, rule);
  }
  const collision = skip === 'root' ? undefined : state.names.add(path, type.kind);
  if (collision !== undefined) {
    throw fail(
      ERROR_CODES.ARCHIVE_COLLISION,
      `it collides with "${collision.other}": ${collision.rule}`,
    );
  }
  return {
    index,
    name,
    path,
    skip,
    rawName: entry.fileNameRaw,
    kind: type.kind,
    method: entry.compressionMethod,
    flags: entry.generalPurposeBitFlag,
    crc32: entry.crc32,
    compressedSize: entry.compressedSize,
    uncompressedSize: size,
    localHeaderOffset: entry.relativeOffsetOfLocalHeader,
  };
}

/**
 * The name in the central directory record at `offset`, for messages when
 * yauzl rejected the record before reporting it; `undefined` if unreadable.
 */
async function nameAt(reader: CachedReader, offset: number): Promise<string | undefined> {
  try {
    const header = await reader.readAt(46, offset);
    if (header.length < 46 || header.readUInt32LE(0) !== 0x02014b50) return undefined;
    const raw = await reader.readAt(header.readUInt16LE(28), offset + 46);
    return raw.toString((header.readUInt16LE(8) & 0x800) === 0 ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
}
