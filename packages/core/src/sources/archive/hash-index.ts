import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An archive's content hash, valid while its size, mtime and inode stay the same. */
export interface ArchiveHash {
  /** The archive's size in bytes when it was hashed. */
  readonly size: number;
  /** Its mtime then. */
  readonly mtimeMs: number;
  /** Its inode then. */
  readonly ino: number;
  /** The SHA-256 of its bytes, hex. */
  readonly sha256: string;
}

/** The hash index of a cache: archive path → size, mtime, inode and SHA-256. */
export const HASHES = '.hashes.json';
const HASHES_VERSION = 1;
/** `.hashes.json.<pid>-<id>.<random>.tmp`, written by {@link writeHashIndex}. */
export const HASHES_TEMP = /^\.hashes\.json\.(\d+)-[0-9a-f]+\.[0-9a-f]+\.tmp$/;
const EXTRACTION_NAME = /^[0-9a-f]{64}$/;

/** Reads a cache's hash index; empty when there is none or it is unreadable. */
export function readHashIndex(cacheDir: string): Map<string, ArchiveHash> {
  const hashes = new Map<string, ArchiveHash>();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(cacheDir, HASHES), 'utf8'));
  } catch {
    return hashes;
  }
  if (typeof data !== 'object' || data === null) return hashes;
  const { version, archives } = data as { version?: unknown; archives?: unknown };
  if (version !== HASHES_VERSION || typeof archives !== 'object' || archives === null) {
    return hashes;
  }
  for (const [path, value] of Object.entries(archives)) {
    if (!Array.isArray(value) || value.length !== 4) continue;
    const [size, mtimeMs, ino, sha256] = value as unknown[];
    if (
      typeof size === 'number' &&
      typeof mtimeMs === 'number' &&
      typeof ino === 'number' &&
      typeof sha256 === 'string' &&
      EXTRACTION_NAME.test(sha256)
    ) {
      hashes.set(path, { size, mtimeMs, ino, sha256 });
    }
  }
  return hashes;
}

/**
 * Writes a cache's hash index atomically (temporary file + rename).
 *
 * @param id - the writer's `<pid>-<id>`, in the temporary file's name
 */
export async function writeHashIndex(
  cacheDir: string,
  id: string,
  hashes: ReadonlyMap<string, ArchiveHash>,
): Promise<void> {
  const archives: Record<string, [number, number, number, string]> = {};
  for (const [path, { size, mtimeMs, ino, sha256 }] of hashes) {
    archives[path] = [size, mtimeMs, ino, sha256];
  }
  await mkdir(cacheDir, { recursive: true });
  const file = join(cacheDir, HASHES);
  const temp = `${file}.${id}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify({ version: HASHES_VERSION, archives }));
    await rename(temp, file);
  } catch (error) {
    // a full disk: leave no partial file behind
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
