// Reads one entry's data and checks it against its central record, never
// trusting the headers: the inflated size must be exactly the claimed one
// (inflation stops as soon as it exceeds it) and the CRC-32 must match.

import type { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import type { ZipFile } from 'yauzl';
import { ERROR_CODES, describeError, type ArchiveError } from '../errors.js';
import { errorCode } from '../util/fs.js';
import { REBUILD, archiveError } from './zip-errors.js';
import type { CentralEntry } from './zip-read.js';
import type { CachedReader } from './zip-reader.js';

/**
 * Reads a small entry whole and inflates it in memory, capped at its claimed
 * size; checks size and CRC.
 */
export async function readSmall(
  reader: CachedReader,
  entry: CentralEntry,
  dataStart: number,
  archive: string,
): Promise<Buffer> {
  const raw = await reader.readAt(entry.compressedSize, dataStart);
  if (raw.length !== entry.compressedSize) {
    throw corrupt(archive, entry, 'its data is cut short (the archive is truncated)');
  }
  let data = raw;
  if (entry.method === 8 && raw.length > 0) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (error) {
      const rule =
        errorCode(error) === 'ERR_BUFFER_TOO_LARGE'
          ? `its data inflates to more than the ${entry.uncompressedSize} bytes its header claims`
          : `its data is corrupt (${describeError(error)})`;
      throw corrupt(archive, entry, rule, error);
    }
  }
  verify(entry, data.length, crc32(data), archive);
  return data;
}

/** Opens yauzl's stream of an entry's data (inflated, byte count checked by yauzl). */
export function openData(zipfile: ZipFile, entry: CentralEntry, dataStart: number): Readable {
  let stream: Readable | undefined;
  let failure: Error | null = null;
  // yauzl calls back synchronously. (Its promise twin calls the wrong method.)
  zipfile.openReadStreamLowLevel(
    dataStart,
    entry.compressedSize,
    0,
    entry.compressedSize,
    entry.method === 8,
    entry.uncompressedSize,
    (error, readStream) => {
      failure = error;
      stream = readStream;
    },
  );
  if (failure !== null || stream === undefined) throw failure ?? new Error('no data stream');
  return stream;
}

/** A pipeline step that counts and CRCs the inflated bytes, then checks them. */
export function checkData(entry: CentralEntry, archive: string) {
  return async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let crc = 0;
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > entry.uncompressedSize) {
        const rule = `its data inflates to more than the ${entry.uncompressedSize} bytes its header claims`;
        throw corrupt(archive, entry, rule);
      }
      crc = crc32(chunk, crc);
      yield chunk;
    }
    verify(entry, size, crc, archive);
  };
}

function verify(entry: CentralEntry, size: number, crc: number, archive: string): void {
  if (size !== entry.uncompressedSize) {
    const rule = `its data inflates to ${size} bytes, not the ${entry.uncompressedSize} its header claims`;
    throw corrupt(archive, entry, rule);
  }
  if (crc !== entry.crc32) {
    const rule = `its CRC-32 is ${hex(crc)}, not the ${hex(entry.crc32)} its header claims`;
    throw corrupt(archive, entry, rule);
  }
}

function hex(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

/** An `AUG_ARCHIVE_CORRUPT_DATA` error about `entry`. */
export function corrupt(
  archive: string,
  entry: CentralEntry,
  rule: string,
  cause?: unknown,
): ArchiveError {
  return archiveError(ERROR_CODES.ARCHIVE_CORRUPT_DATA, archive, entry.name, rule, REBUILD, cause);
}
