import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import {
  extractArchive,
  hashFile,
  inspectArchive,
  type ArchiveLimits,
} from '../../archive/archive.js';
import { describeError } from '../../errors.js';
import { LEASES, SWEEPS, readLiveIntents, waitForSweeps, writeHeld } from './cache-leases.js';
import { TEMP_PREFIX, TRASH_SUFFIX, sweepCache } from './cache-sweep.js';
import { holdsEntries } from './extraction-check.js';
import { extractionWriteError, findExtraction, type Extraction } from './extraction.js';
import { realPath } from '../../util/fs.js';
import { readHashIndex, writeHashIndex, type ArchiveHash } from './hash-index.js';
import { debug } from '../../util/log.js';

/**
 * The extraction cache of one host: one directory per archive content hash,
 * written to a temporary sibling and renamed into place, so no process ever
 * sees a half-extracted plugin.
 *
 * Several host processes may share the directory: leases and sweep intents
 * keep what one of them uses from being removed by another (the protocol and
 * why its races are safe: cache-leases.ts).
 */
export class ArchiveCache {
  #idValue: string | undefined;
  #leased = new Set<string>();
  /** Claims whose lease is being written, by extraction name. */
  readonly #claims = new Map<string, Promise<void>>();
  /** The lease write that runs next (it takes the names added until it starts). */
  #queued: Promise<Set<string>> | undefined;
  #writing: Promise<unknown> | undefined;
  /** The names the lease file holds, as this host last wrote it; undefined while a write runs or after one failed. */
  #written: ReadonlySet<string> | undefined;
  /** The cache directory's real path, once resolved (see {@link realPathOf}). */
  #real: Promise<string> | undefined;
  #realKnown: string | undefined;

  /**
   * This host's id in lease and temporary names, made on first use: the first
   * `randomBytes()` of a process costs milliseconds (it seeds the generator),
   * which a host without archives should not pay.
   */
  #id(): string {
    this.#idValue ??= `${process.pid}-${randomBytes(4).toString('hex')}`;
    return this.#idValue;
  }

  /** @param dir - the cache directory (created on first use) */
  constructor(readonly dir: string) {}

  /**
   * The real path of a directory inside the cache: the cache directory's real
   * path (resolved once, until {@link forgetRealPath}) joined with the rest,
   * since an extraction holds no symlinks.
   */
  async realPathOf(path: string): Promise<string> {
    if (!path.startsWith(this.dir + sep)) return realPath(path);
    this.#real ??= realPath(this.dir);
    try {
      this.#realKnown = await this.#real;
    } catch {
      this.#real = undefined;
      return realPath(path);
    }
    return this.#realKnown + path.slice(this.dir.length);
  }

  /** Resolves the cache directory's real path again on next use (once per scan). */
  forgetRealPath(): void {
    this.#real = undefined;
  }

  /** The extractions (content hashes) directories of the cache belong to, by either path of the cache. */
  #namesOf(dirs: Iterable<string>): Set<string> {
    const names = new Set<string>();
    for (const dir of dirs) {
      for (const base of [this.dir, this.#realKnown]) {
        if (base === undefined || !dir.startsWith(base + sep)) continue;
        const name = dir.slice(base.length + 1).split(/[\\/]/)[0];
        if (name !== undefined && name !== '') names.add(name);
        break;
      }
    }
    return names;
  }

  /**
   * Leases an extraction name for this host before it is used: adds it to the
   * lease, writes the lease, and waits while a sweep that may have missed the
   * lease is removing it. Afterwards no sweep removes that extraction until
   * the lease drops it. Undefined when the name is leased already.
   *
   * @throws the file system's error when the lease cannot be written
   */
  claim(sha256: string): Promise<void> | undefined {
    const pending = this.#claims.get(sha256);
    if (pending !== undefined) return pending;
    if (this.#leased.has(sha256)) return undefined;
    this.#leased.add(sha256);
    const claiming = this.#flushLease()
      .then(async (intents) => {
        if (intents.has(sha256)) await waitForSweeps(this.dir, sha256);
      })
      .catch((error: unknown) => {
        this.#leased.delete(sha256);
        throw error;
      })
      .finally(() => this.#claims.delete(sha256));
    this.#claims.set(sha256, claiming);
    return claiming;
  }

  /**
   * {@link claim}, then {@link find}: the extraction of an archive with this
   * content hash, leased, if there is one. A lease that cannot be written (a
   * read-only cache) does not hide a hit; it leaves it unprotected.
   */
  async lookup(sha256: string): Promise<Extraction | undefined> {
    const claiming = this.claim(sha256);
    if (claiming !== undefined) {
      await claiming.catch((error: unknown) => {
        debug('could not lease %s in %s: %s', sha256, this.dir, describeError(error));
      });
    }
    return this.find(sha256);
  }

  /**
   * Returns the extraction directory of an archive, extracting it first
   * unless that content hash is already there. Leases it first.
   *
   * @throws {ArchiveError} when the archive is rejected (nothing is left behind)
   */
  async ensure(zipPath: string, sha256: string, limits: ArchiveLimits): Promise<Extraction> {
    try {
      await this.claim(sha256);
    } catch (error) {
      throw extractionWriteError(zipPath, this.dir, error);
    }
    const cached = this.find(sha256);
    if (cached !== undefined) return cached;
    const target = join(this.dir, sha256);
    const temp = this.#tempName(sha256, '');
    const { manifestRoot } = await extractArchive(zipPath, temp, limits);
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // another host process renamed the same content into place first
      const other = this.find(sha256);
      if (other !== undefined) return other;
      throw extractionWriteError(zipPath, this.dir, error);
    }
    return { dir: target, root: resolve(target, manifestRoot), extracted: true };
  }

  /**
   * Replaces the extraction of an archive that lost files (or had them
   * changed) with a fresh one. Checks the archive's bytes against `sha256`
   * and the extraction against the archive's entries first: an intact
   * extraction, or an archive that changed since, is left alone.
   *
   * @returns true when the extraction was damaged and a complete one is now in place
   * @throws {ArchiveError} when the fresh extraction fails
   */
  async repair(zipPath: string, sha256: string, limits: ArchiveLimits): Promise<boolean> {
    const dir = join(this.dir, sha256);
    try {
      if ((await hashFile(zipPath)) !== sha256) return false;
      if (holdsEntries(dir, (await inspectArchive(zipPath, limits)).entries)) return false;
    } catch {
      return false;
    }
    debug('extraction %s lost files; extracting %s again', dir, zipPath);
    const temp = this.#tempName(sha256, '');
    await extractArchive(zipPath, temp, limits);
    const trash = this.#tempName(sha256, TRASH_SUFFIX);
    const moved = await rename(dir, trash).then(
      () => true,
      () => false,
    );
    try {
      await rename(temp, dir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // another host process put a fresh extraction in place first
      if (this.find(sha256) === undefined) throw extractionWriteError(zipPath, this.dir, error);
    }
    if (moved) await rm(trash, { recursive: true, force: true }).catch(() => undefined);
    return true;
  }

  /** `.tmp-<hash>-<pid>-<id>-<random>`: the pid lets a sweep tell a live extraction from a leftover. */
  #tempName(sha256: string, suffix: string): string {
    const random = randomBytes(4).toString('hex');
    return join(this.dir, `${TEMP_PREFIX}${sha256.slice(0, 16)}-${this.#id()}-${random}${suffix}`);
  }

  /**
   * The extraction of an archive with this content hash, if there is one. A
   * directory by that name is complete: extractions are renamed into place.
   * Synchronous: usually one system call, on paths the cache owns. Lease the
   * name first ({@link claim}, or use {@link lookup}).
   */
  find(sha256: string): Extraction | undefined {
    return findExtraction(join(this.dir, sha256));
  }

  /**
   * The archive hashes the last scan of any host on this cache left (archive
   * path -> size, mtime, inode and SHA-256), so that a start hashes only the
   * archives that changed; empty when there are none or the file is unreadable.
   * Trusting them is the trust a directory's fingerprint gets, and no weaker
   * for integrity: a remembered hash only finds an extraction made from bytes
   * that had that hash; before extracting, the archive is hashed again.
   */
  readHashes(): Map<string, ArchiveHash> {
    return readHashIndex(this.dir);
  }

  /** Writes the archive hashes for the next start, atomically (temporary file + rename). */
  async writeHashes(hashes: ReadonlyMap<string, ArchiveHash>): Promise<void> {
    await writeHashIndex(this.dir, this.#id(), hashes);
  }

  /**
   * Records the extraction directories this host serves from (its lease),
   * replacing the last. Writes nothing when the lease file is there and holds
   * these names already (a scan that changed no archive).
   */
  async lease(dirs: Iterable<string>): Promise<void> {
    this.#leased = this.#namesOf(dirs);
    if (this.#queued === undefined && this.#holdsLeased() && existsSync(this.#leaseFile())) return;
    try {
      await this.#flushLease();
    } catch (error) {
      // the file holds an older lease: claim every name again before using it
      this.#leased = new Set();
      throw error;
    }
  }

  /**
   * Writes the lease with every name added so far; resolves with the names
   * the live sweep intents held right after it was written. Concurrent calls
   * share one write.
   */
  #flushLease(): Promise<Set<string>> {
    this.#queued ??= (async () => {
      await this.#writing?.catch(() => undefined);
      // names added from now on need the next write
      this.#queued = undefined;
      const names = new Set(this.#leased);
      this.#written = undefined;
      const write = writeHeld(this.#leaseFile(), names);
      this.#writing = write;
      await write;
      this.#written = names;
      return readLiveIntents(this.dir);
    })();
    return this.#queued;
  }

  /** Whether the lease file holds exactly the names leased now, as this host last wrote it. */
  #holdsLeased(): boolean {
    const written = this.#written;
    if (written === undefined || written.size !== this.#leased.size) return false;
    for (const name of this.#leased) if (!written.has(name)) return false;
    return true;
  }

  #leaseFile(): string {
    return join(this.dir, LEASES, `${this.#id()}.json`);
  }

  /** Removes this host's lease. */
  async release(): Promise<void> {
    await Promise.allSettled([this.#queued, this.#writing]);
    await rm(this.#leaseFile(), { force: true });
  }

  /**
   * Removes extractions and leftover temporary directories that neither this
   * host (`keep`) nor any other live host process (its lease) uses. Touches only
   * direct children of the cache directory with the names it creates.
   *
   * @returns the names removed
   */
  async sweep(keep: Iterable<string>): Promise<string[]> {
    const kept = this.#namesOf(keep);
    for (const name of this.#leased) kept.add(name);
    return sweepCache({
      dir: this.dir,
      kept,
      ownLease: `${this.#id()}.json`,
      intentFile: join(this.dir, SWEEPS, `${this.#id()}.json`),
      isLeased: (name) => this.#leased.has(name),
      trashPath: (name) => this.#tempName(name, TRASH_SUFFIX),
    });
  }
}
