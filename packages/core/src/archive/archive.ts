import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ERROR_CODES, isAugmentError } from '../errors.js';
import { REBUILD, archiveError, wrapReadError } from './zip-errors.js';
import { readSmall } from './zip-data.js';
import { writeEntries } from './zip-extract.js';
import { checkLayout } from './zip-layout.js';
import { MANIFEST, findManifestRoot } from './zip-root.js';
import type { ArchiveLimits } from './limits.js';
import {
  openArchive,
  readCentralDirectory,
  type CentralEntry,
  type OpenArchive,
} from './zip-read.js';

export { hashFile } from './hash.js';

export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.js';

/** One entry of a checked archive. */
export interface ArchiveEntryInfo {
  /**
   * Where it extracts, `/`-separated: its name in the archive without a
   * leading `./`. A directory's ends with `/`.
   */
  readonly name: string;
  /** `'file'` or `'directory'`: nothing else passes the checks. */
  readonly type: 'file' | 'directory';
  /** Uncompressed size in bytes (0 for a directory). */
  readonly size: number;
  /** Size of the stored data in bytes. */
  readonly compressedSize: number;
  /** CRC-32 of the uncompressed data, checked while extracting. */
  readonly crc32: number;
}

/** What {@link inspectArchive} and {@link extractArchive} found. */
export interface ArchiveListing {
  /**
   * Every entry extracted, files and directories, in central directory
   * order. Entries checked but never extracted are left out: `__MACOSX/` and
   * `.DS_Store` (macOS Finder's) and the `./` entry (bsdtar's archive root).
   */
  readonly entries: readonly ArchiveEntryInfo[];
  /**
   * Where `plugin.manifest.json` is: `''` at the root, or `'folder/'` when the
   * root has no manifest and every extracted entry lies in that one folder
   * (as Finder's Compress and `zip -r plugin.zip folder` write it).
   */
  readonly manifestRoot: string;
}

/**
 * Checks a plugin archive without writing anything: the whole central
 * directory (names, collisions, entry types, encryption, compression methods,
 * limits), every local header against it, the layout of the entries (no
 * overlap, no unexplained bytes) and where the manifest is.
 *
 * @param zipPath - path of the `.zip`
 * @param limits - see {@link DEFAULT_ARCHIVE_LIMITS}
 * @returns the entries and the manifest's folder
 * @throws {ArchiveError} `AUG_ARCHIVE_INVALID`, `AUG_ARCHIVE_UNREADABLE`,
 *   `AUG_ARCHIVE_UNSAFE_NAME`, `AUG_ARCHIVE_COLLISION`,
 *   `AUG_ARCHIVE_UNSUPPORTED_ENTRY`, `AUG_ARCHIVE_LIMIT`,
 *   `AUG_ARCHIVE_NO_MANIFEST`
 */
export async function inspectArchive(
  zipPath: string,
  limits: ArchiveLimits,
): Promise<ArchiveListing> {
  const opened = await openArchive(zipPath);
  try {
    return (await inspectOpen(opened, zipPath, limits)).listing;
  } catch (error) {
    throw asArchiveError(error, zipPath);
  } finally {
    opened.zipfile.close();
  }
}

/**
 * Inspects a plugin archive (see {@link inspectArchive}), then extracts it
 * into `targetDir`, which must not exist yet. Files are written with mode
 * 0644 and folders 0755 whatever the archive says; each file's size and CRC
 * are checked while it streams. All or nothing: on any failure `targetDir` is
 * removed before the promise rejects.
 *
 * @param zipPath - path of the `.zip`
 * @param targetDir - folder to create and fill (its parent is created if needed)
 * @param limits - see {@link DEFAULT_ARCHIVE_LIMITS}
 * @returns the entries and the manifest's folder, relative to `targetDir`
 * @throws {ArchiveError} any code of {@link inspectArchive}, or
 *   `AUG_ARCHIVE_CORRUPT_DATA` (CRC or size mismatch while inflating) and
 *   `AUG_ARCHIVE_WRITE` (`targetDir` exists, disk full, permissions)
 */
export async function extractArchive(
  zipPath: string,
  targetDir: string,
  limits: ArchiveLimits,
): Promise<ArchiveListing> {
  const target = resolve(targetDir);
  const opened = await openArchive(zipPath);
  try {
    const { listing, entries, dataStarts } = await inspectOpen(opened, zipPath, limits);
    await createTarget(target, zipPath);
    try {
      await writeEntries(opened, entries, dataStarts, target, zipPath);
    } catch (error) {
      // The archive's error is the one worth reporting, even if removal fails.
      await rm(target, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      throw error;
    }
    return listing;
  } catch (error) {
    throw asArchiveError(error, zipPath);
  } finally {
    opened.zipfile.close();
  }
}

/**
 * Inspects a plugin archive (every check of {@link inspectArchive}) and reads
 * its `plugin.manifest.json` into memory, without writing anything: what a
 * host needs to look up an integrity pin by plugin name before extracting.
 *
 * @returns the manifest's text (UTF-8) and the listing
 * @throws {ArchiveError} any code of {@link inspectArchive}, `AUG_ARCHIVE_CORRUPT_DATA`,
 *   or `AUG_ARCHIVE_LIMIT` when the manifest is larger than 1 MiB
 */
export async function readArchiveManifest(
  zipPath: string,
  limits: ArchiveLimits,
): Promise<{
  /** The manifest's text, decoded as UTF-8 and not parsed. */
  text: string;
  /** The archive's entries and where the manifest is, as {@link inspectArchive} returns them. */
  listing: ArchiveListing;
}> {
  const opened = await openArchive(zipPath);
  try {
    const { listing, entries, dataStarts } = await inspectOpen(opened, zipPath, limits);
    const manifestPath = `${listing.manifestRoot}${MANIFEST}`;
    const index = entries.findIndex((e) => e.skip === undefined && e.path === manifestPath);
    const entry = entries[index];
    const start = dataStarts[index];
    if (entry === undefined || start === undefined) {
      throw archiveError(
        ERROR_CODES.ARCHIVE_NO_MANIFEST,
        zipPath,
        undefined,
        `it has no ${MANIFEST}`,
        REBUILD,
      );
    }
    if (entry.uncompressedSize > MAX_MANIFEST_BYTES) {
      const rule = `its ${MANIFEST} is larger than 1 MiB`;
      throw archiveError(ERROR_CODES.ARCHIVE_LIMIT, zipPath, entry.name, rule, REBUILD);
    }
    const data = await readSmall(opened.reader, entry, start, zipPath);
    return { text: data.toString('utf8'), listing };
  } catch (error) {
    throw asArchiveError(error, zipPath);
  } finally {
    opened.zipfile.close();
  }
}

const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Every rejection is an ArchiveError: an unexpected one (a read error) is wrapped. */
function asArchiveError(error: unknown, zipPath: string): unknown {
  return isAugmentError(error) ? error : wrapReadError(error, zipPath, undefined);
}

interface Inspected {
  readonly listing: ArchiveListing;
  readonly entries: readonly CentralEntry[];
  readonly dataStarts: readonly number[];
}

async function inspectOpen(
  opened: OpenArchive,
  zipPath: string,
  limits: ArchiveLimits,
): Promise<Inspected> {
  const central = await readCentralDirectory(opened, zipPath, limits);
  const dataStarts = await checkLayout(opened.reader, central.entries, central.offset, zipPath);
  const entries: ArchiveEntryInfo[] = central.entries
    .filter((entry) => entry.skip === undefined)
    .map((entry) => ({
      name: entry.path,
      type: entry.kind,
      size: entry.uncompressedSize,
      compressedSize: entry.compressedSize,
      crc32: entry.crc32,
    }));
  const manifestRoot = findManifestRoot(central.entries, zipPath);
  return { listing: { entries, manifestRoot }, entries: central.entries, dataStarts };
}

async function createTarget(target: string, zipPath: string): Promise<void> {
  try {
    await mkdir(dirname(target), { recursive: true });
    await mkdir(target, { mode: 0o755 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const rule = `the extraction folder ${target} could not be created (${message})`;
    const fix = 'Extract into a folder that does not exist yet, on a writable disk.';
    throw archiveError(ERROR_CODES.ARCHIVE_WRITE, zipPath, undefined, rule, fix, error);
  }
}
