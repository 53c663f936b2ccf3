import { statSync, type Stats } from 'node:fs';
import { hashFile } from '../../archive/archive.js';
import { wrapReadError } from '../../archive/zip-errors.js';
import { notRegular } from '../../util/read-limited.js';
import type { ArchiveCache } from './cache.js';
import type { ArchiveHash } from './hash-index.js';

/**
 * The content hash of each archive by its size, mtime and inode: kept in the
 * cache between host starts (`.hashes.json`), so a start hashes only the
 * archives that changed.
 */
export class ArchiveHashes {
  readonly #cache: ArchiveCache;
  #hashes: Map<string, ArchiveHash> | undefined;
  #changed = false;

  /** @param cache - the cache whose hash index is read and written */
  constructor(cache: ArchiveCache) {
    this.#cache = cache;
  }

  /**
   * The archive's SHA-256: remembered while its size, mtime and inode stay
   * the same (`remembered` is then true), else computed from its bytes.
   *
   * @param fresh - hash the bytes even when a hash is remembered
   * @throws {ArchiveError} when the archive is not a regular file or cannot be read
   */
  async hash(source: string, fresh = false): Promise<{ sha256: string; remembered: boolean }> {
    // synchronous: one small system call, where a thread-pool round trip costs more
    const stats: Stats = statSync(source);
    // a FIFO or a device named .zip: refused without opening it (hashFile checks again on the descriptor)
    if (!stats.isFile()) throw wrapReadError(notRegular(stats), source, undefined);
    const hashes = (this.#hashes ??= this.#cache.readHashes());
    const known = hashes.get(source);
    if (
      !fresh &&
      known?.size === stats.size &&
      known.mtimeMs === stats.mtimeMs &&
      known.ino === stats.ino
    ) {
      return { sha256: known.sha256, remembered: true };
    }
    const sha256 = await hashFile(source, stats.size);
    hashes.set(source, { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, sha256 });
    this.#changed = true;
    return { sha256, remembered: false };
  }

  /** Forgets the archives that are no longer in the folder. */
  keepOnly(sources: ReadonlySet<string>): void {
    for (const source of this.#hashes?.keys() ?? []) {
      if (!sources.has(source)) {
        this.#hashes?.delete(source);
        this.#changed = true;
      }
    }
  }

  /** Writes the hash index into the cache when this scan changed it. */
  async save(): Promise<void> {
    if (!this.#changed || this.#hashes === undefined) return;
    this.#changed = false;
    await this.#cache.writeHashes(this.#hashes);
  }
}
