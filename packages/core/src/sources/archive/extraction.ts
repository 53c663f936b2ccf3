// An extraction in the archive cache: what one is, how to find it, and the
// error when one cannot be written.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArchiveError, ERROR_CODES, describeError } from '../../errors.js';
import { MANIFEST_FILE } from '../../manifest/manifest.js';

/** Where an archive was extracted, and whether this call extracted it. */
export interface Extraction {
  /** `<cacheDir>/<sha256 of the archive>`. */
  readonly dir: string;
  /** The plugin directory inside it: `dir`, or its single top-level folder. */
  readonly root: string;
  /** False when the same bytes were already extracted (by this or another process). */
  readonly extracted: boolean;
}

/**
 * The extraction in `dir`, if there is one. A directory by that name is
 * complete: extractions are renamed into place. Synchronous: usually one
 * system call, on paths the cache owns.
 */
export function findExtraction(dir: string): Extraction | undefined {
  // the common case in one system call: the manifest at the extraction's root
  if (existsSync(join(dir, MANIFEST_FILE))) return { dir, root: dir, extracted: false };
  if (!isDirectorySync(dir)) return undefined;
  const children = listSync(dir);
  const only = children.length === 1 ? children[0] : undefined;
  return { dir, root: only === undefined ? dir : join(dir, only), extracted: false };
}

/** The error for an extraction the cache folder could not take. */
export function extractionWriteError(
  zipPath: string,
  cacheDir: string,
  error: unknown,
): ArchiveError {
  return new ArchiveError(
    ERROR_CODES.ARCHIVE_WRITE,
    `Plugin archive ${zipPath} could not be extracted into the cache ${cacheDir}: ${describeError(error)}. Make cacheDir a writable folder with free space.`,
    { file: zipPath, cause: error },
  );
}

function isDirectorySync(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listSync(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
