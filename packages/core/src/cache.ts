import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { extractArchive, type ArchiveLimits } from './archive.js';
import { ArchiveError, ERROR_CODES, describeError } from './errors.js';
import { errorCode, realPath } from './internal/fs.js';
import { debug } from './internal/log.js';
import { hashString } from './internal/string-hash.js';
import { MANIFEST_FILE } from './manifest.js';

const EXTRACTION_NAME = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = '.tmp-';
const LEASES = '.leases';
const HASHES = '.hashes.json';
const HASHES_VERSION = 1;
/** `.hashes.json.<pid>-<id>.<random>.tmp`, written by {@link ArchiveCache.writeHashes}. */
const HASHES_TEMP = /^\.hashes\.json\.(\d+)-[0-9a-f]+\.[0-9a-f]+\.tmp$/;

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

/**
 * The default cache directory for a plugin folder:
 * `node_modules/.cache/augment/<hash of the folder>` under the working
 * directory, so bare imports from extracted plugins resolve through the host's
 * own `node_modules`; a folder under the OS temp dir where there is no
 * `node_modules`. Two folders never share a cache directory.
 *
 * @param folder - absolute path of the plugin folder
 * @param cwd - the host's working directory
 */
export function defaultCacheDir(folder: string, cwd = process.cwd()): string {
  const key = hashString(resolve(folder));
  const modules = join(cwd, 'node_modules');
  return existsSync(modules)
    ? join(modules, '.cache', 'augment', key)
    : join(tmpdir(), 'augment-cache', key);
}

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
 * The extraction cache of one host: one directory per archive content hash,
 * written to a temporary sibling and renamed into place, so no process ever
 * sees a half-extracted plugin. A lease file per host names the extractions it
 * serves from, so a sweep never removes what another live process uses.
 */
export class ArchiveCache {
  #idValue: string | undefined;
  #leased = new Set<string>();
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
   * Returns the extraction directory of an archive, extracting it first
   * unless that content hash is already there.
   *
   * @throws {ArchiveError} when the archive is rejected (nothing is left behind)
   */
  async ensure(zipPath: string, sha256: string, limits: ArchiveLimits): Promise<Extraction> {
    const target = join(this.dir, sha256);
    const cached = this.find(sha256);
    if (cached !== undefined) return cached;
    // lease it first, so no other host's sweep removes it before this host's scan ends
    await this.#addLease(sha256, zipPath);
    const temp = join(
      this.dir,
      `${TEMP_PREFIX}${sha256.slice(0, 16)}-${this.#id()}-${randomBytes(4).toString('hex')}`,
    );
    const { manifestRoot } = await extractArchive(zipPath, temp, limits);
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // another host process renamed the same content into place first
      const other = this.find(sha256);
      if (other !== undefined) return other;
      throw writeError(zipPath, this.dir, error);
    }
    return { dir: target, root: resolve(target, manifestRoot), extracted: true };
  }

  /**
   * The extraction of an archive with this content hash, if there is one. A
   * directory by that name is complete: extractions are renamed into place.
   * Synchronous: usually one system call, on paths the cache owns.
   */
  find(sha256: string): Extraction | undefined {
    const dir = join(this.dir, sha256);
    // the common case in one system call: the manifest at the extraction's root
    if (existsSync(join(dir, MANIFEST_FILE))) return { dir, root: dir, extracted: false };
    if (!isDirectorySync(dir)) return undefined;
    const children = listSync(dir);
    const only = children.length === 1 ? children[0] : undefined;
    return { dir, root: only === undefined ? dir : join(dir, only), extracted: false };
  }

  /**
   * The archive hashes the last scan of any host on this cache left (archive
   * path → size, mtime, inode and SHA-256), so that a start hashes only the
   * archives that changed; empty when there are none or the file is unreadable.
   * Trusting them is the trust a directory's fingerprint gets, and no weaker
   * for integrity: a remembered hash only finds an extraction made from bytes
   * that had that hash; before extracting, the archive is hashed again.
   */
  readHashes(): Map<string, ArchiveHash> {
    const hashes = new Map<string, ArchiveHash>();
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(this.dir, HASHES), 'utf8'));
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

  /** Writes the archive hashes for the next start, atomically (temporary file + rename). */
  async writeHashes(hashes: ReadonlyMap<string, ArchiveHash>): Promise<void> {
    const archives: Record<string, [number, number, number, string]> = {};
    for (const [path, { size, mtimeMs, ino, sha256 }] of hashes) {
      archives[path] = [size, mtimeMs, ino, sha256];
    }
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, HASHES);
    const temp = `${file}.${this.#id()}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify({ version: HASHES_VERSION, archives }));
    await rename(temp, file).catch(async (error: unknown) => {
      await rm(temp, { force: true });
      throw error;
    });
  }

  /** Records the extraction directories this host serves from (its lease). */
  async lease(dirs: Iterable<string>): Promise<void> {
    this.#leased = this.#namesOf(dirs);
    await this.#writeLease();
  }

  async #addLease(sha256: string, zipPath: string): Promise<void> {
    if (this.#leased.has(sha256)) return;
    this.#leased.add(sha256);
    try {
      await this.#writeLease();
    } catch (error) {
      throw writeError(zipPath, this.dir, error);
    }
  }

  /** Writes the lease atomically (temporary file + rename): a reader never sees half of it. */
  async #writeLease(): Promise<void> {
    const folder = join(this.dir, LEASES);
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${this.#id()}.json`);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify({ pid: process.pid, extractions: [...this.#leased] }));
    await rename(temp, file);
  }

  /** Removes this host's lease. */
  async release(): Promise<void> {
    await rm(join(this.dir, LEASES, `${this.#id()}.json`), { force: true });
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
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const extractions = await this.#liveLeases();
    for (const name of extractions) kept.add(name);
    const removed: string[] = [];
    for (const name of names) {
      // a hash index being written by a process that died before renaming it
      const index = HASHES_TEMP.exec(name);
      if (index !== null) {
        if (!isAlive(Number(index[1]))) await rm(join(this.dir, name), { force: true });
        continue;
      }
      const isTemp = name.startsWith(TEMP_PREFIX);
      if (!isTemp && !EXTRACTION_NAME.test(name)) continue;
      if (kept.has(name)) continue;
      // a temporary directory belongs to an extraction in progress while its process lives
      if (isTemp && isAlive(Number(name.split('-')[2]))) continue;
      const path = join(this.dir, name);
      const stats = await lstat(path).catch(() => undefined);
      if (stats === undefined || !stats.isDirectory()) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(name);
      debug('removed unused extraction %s', path);
    }
    return removed;
  }

  /** The extractions named by the leases of other live hosts; removes dead leases. */
  async #liveLeases(): Promise<Set<string>> {
    const folder = join(this.dir, LEASES);
    const extractions = new Set<string>();
    let files: string[];
    try {
      files = await readdir(folder);
    } catch {
      return extractions;
    }
    for (const file of files) {
      if (!file.endsWith('.json') || file === `${this.#id()}.json`) continue;
      const lease = await readLease(join(folder, file));
      if (lease === undefined || !isAlive(lease.pid)) {
        await rm(join(folder, file), { force: true });
        continue;
      }
      for (const name of lease.extractions) extractions.add(name);
    }
    return extractions;
  }
}

function writeError(zipPath: string, cacheDir: string, error: unknown): ArchiveError {
  return new ArchiveError(
    ERROR_CODES.ARCHIVE_WRITE,
    `Plugin archive ${zipPath} could not be extracted into the cache ${cacheDir}: ${describeError(error)}. Make cacheDir a writable folder with free space.`,
    { file: zipPath, cause: error },
  );
}

async function readLease(
  file: string,
): Promise<{ pid: number; extractions: string[] } | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return undefined;
    const { pid, extractions } = data as { pid?: unknown; extractions?: unknown };
    if (typeof pid !== 'number' || !Array.isArray(extractions)) return undefined;
    return { pid, extractions: extractions.filter((e): e is string => typeof e === 'string') };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
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
