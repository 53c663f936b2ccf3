// Writes checked entries into a fresh target folder. Memory stays bounded:
// small files are inflated in one buffer capped at their claimed size, larger
// ones stream. Each file's size and CRC are checked, and it is created with
// `wx` (never overwriting, never following a planted link) and fixed
// permissions: the archive's mode bits are never applied.

import { createWriteStream, mkdir } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ERROR_CODES, describeError, isAugmentError, type ArchiveError } from '../errors.js';
import { isInside } from '../util/paths.js';
import { checkData, corrupt, openData, readSmall } from './zip-data.js';
import { archiveError, hasSystemCode } from './zip-errors.js';
import { forEachLimit } from './zip-pool.js';
import type { CentralEntry, OpenArchive } from './zip-read.js';

const FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o755;
const WRITE_CONCURRENCY = 8;
/** Entries up to this size (compressed and not) are inflated in memory. */
const SMALL_ENTRY = 64 * 1024;

/**
 * Extracts every entry below `targetDir`, which must exist and be empty.
 * Rejects on the first failure, after every started write has stopped; the
 * caller removes the target.
 *
 * @param opened - the open archive
 * @param entries - checked central records
 * @param dataStarts - where each entry's data starts, by index
 * @param targetDir - absolute path of the extraction folder
 * @param archive - path of the `.zip`, for messages
 */
export async function writeEntries(
  opened: OpenArchive,
  entries: readonly CentralEntry[],
  dataStarts: readonly number[],
  targetDir: string,
  archive: string,
): Promise<void> {
  // `__MACOSX/`, `.DS_Store` and the `./` root entry are checked, never written
  const extracted = entries.filter((entry) => entry.skip === undefined);
  const levels = directoryLevels(extracted);
  for (const level of levels) {
    await forEachLimit(level, WRITE_CONCURRENCY, async (dir) => {
      await makeDirectory(outputPath(targetDir, dir, archive), archive, dir);
    });
  }
  const files = extracted.filter((entry) => entry.kind === 'file');
  const controller = new AbortController();
  await forEachLimit(files, WRITE_CONCURRENCY, async (entry) => {
    try {
      const out = outputPath(targetDir, entry.path, archive);
      await writeEntry(
        opened,
        entry,
        dataStarts[entry.index] ?? -1,
        out,
        archive,
        controller.signal,
      );
    } catch (error) {
      controller.abort();
      throw error;
    }
  });
}

/** Every directory to create (explicit ones and parents of all entries), grouped by depth. */
function directoryLevels(entries: readonly CentralEntry[]): string[][] {
  const dirs = new Set<string>();
  for (const entry of entries) {
    // 'a/b/' (a directory) and 'a/b/c' (a file) both need 'a' and 'a/b'.
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i += 1) dirs.add(segments.slice(0, i).join('/'));
  }
  const levels: string[][] = [];
  for (const dir of dirs) {
    const depth = dir.split('/').length - 1;
    (levels[depth] ??= []).push(dir);
  }
  return levels.filter((level) => level !== undefined);
}

/** Resolves an entry below the target, refusing (a second time) anything outside it. */
function outputPath(targetDir: string, name: string, archive: string): string {
  const segments = name.split('/').filter((segment) => segment !== '');
  const out = resolve(targetDir, ...segments);
  if (out === targetDir || !isInside(targetDir, out)) {
    throw archiveError(
      ERROR_CODES.ARCHIVE_UNSAFE_NAME,
      archive,
      name,
      'it resolves outside the extraction folder',
    );
  }
  return out;
}

function makeDirectory(path: string, archive: string, name: string): Promise<void> {
  return new Promise((done, fail) => {
    mkdir(path, { mode: DIRECTORY_MODE }, (error) => {
      if (error) fail(writeError(error, archive, `${name}/`));
      else done();
    });
  });
}

/**
 * Writes one file entry to `out` (created with `wx`, mode 0644), checking its
 * size while inflating and its CRC. Entries up to 64 KiB are read and
 * inflated in memory (capped at the size their header claims) and written in
 * one call; larger ones stream. On failure a partial file stays for the
 * caller to remove with the target.
 *
 * @param opened - the open archive
 * @param entry - a checked file entry
 * @param dataStart - where its data starts in the archive
 * @param out - absolute output path
 * @param archive - path of the `.zip`, for messages
 * @param signal - aborts the copy when another entry failed
 */
export async function writeEntry(
  opened: OpenArchive,
  entry: CentralEntry,
  dataStart: number,
  out: string,
  archive: string,
  signal?: AbortSignal,
): Promise<void> {
  if (entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY) {
    const data = await readSmall(opened.reader, entry, dataStart, archive);
    try {
      await writeFile(out, data, { flag: 'wx', mode: FILE_MODE, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw writeError(error, archive, entry.name);
    }
    return;
  }
  const sink = createWriteStream(out, { flags: 'wx', mode: FILE_MODE });
  let sinkError: unknown;
  sink.on('error', (error) => {
    sinkError = error;
  });
  let source: Readable | undefined;
  try {
    source = openData(opened.zipfile, entry, dataStart);
    const options = signal === undefined ? {} : { signal };
    await pipeline(source, checkData(entry, archive), sink, options);
  } catch (error) {
    source?.destroy();
    if (isAugmentError(error)) throw error;
    if (error === sinkError || (sinkError !== undefined && hasSystemCode(error))) {
      throw writeError(error, archive, entry.name);
    }
    if (signal?.aborted === true) throw error;
    throw corrupt(archive, entry, `its data is corrupt (${describeError(error)})`, error);
  }
}

function writeError(error: unknown, archive: string, name: string): ArchiveError {
  return archiveError(
    ERROR_CODES.ARCHIVE_WRITE,
    archive,
    name,
    `it could not be written (${describeError(error)})`,
    'Check free disk space and permissions on the cache folder.',
    error,
  );
}
