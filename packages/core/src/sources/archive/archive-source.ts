import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { hashFile, readArchiveManifest, type ArchiveLimits } from '../../archive/archive.js';
import { ArchiveCache } from './cache.js';
import type { Extraction } from './extraction.js';
import type { ArchiveHash } from './hash-index.js';
import type { PluginCandidate } from '../discovery.js';
import {
  AugmentError,
  ERROR_CODES,
  describeError,
  isAugmentError,
  ArchiveError,
} from '../../errors.js';
import { checkIntegrity, needsName, type IntegrityOption } from './integrity.js';
import { notRegular } from '../../util/read-limited.js';
import { wrapReadError } from '../../archive/zip-errors.js';
import { parseManifest, readManifest, readManifestSync } from '../../manifest/manifest.js';
import type { Manifest } from '../../types.js';

/** What {@link ArchiveSource} needs from the host's options. */
export interface ArchiveSourceOptions {
  /** Where extractions live. */
  readonly cacheDir: string;
  /** Size limits for each archive. */
  readonly limits: ArchiveLimits;
  /** Pins, checked before extracting. */
  readonly integrity: IntegrityOption | undefined;
  /** Refuse archives without a pin. */
  readonly requireIntegrity: boolean;
  /** Bound on an integrity function, in ms (the host's loadTimeoutMs). */
  readonly timeoutMs: number;
}

/**
 * Turns the `.zip` files of a folder into plugin candidates: hashes each
 * (only again when its size, mtime or inode change), checks its integrity
 * pin, extracts it into the cache unless that content is already there, and
 * reads its manifest. An archive refused once is not inspected again until
 * its bytes change.
 */
export class ArchiveSource {
  readonly cache: ArchiveCache;
  readonly #options: ArchiveSourceOptions;
  /**
   * The content hash of each archive by its size, mtime and inode: kept in the
   * cache between host starts, so a start hashes only archives that changed.
   */
  #hashes: Map<string, ArchiveHash> | undefined;
  #hashesChanged = false;
  readonly #refused = new Map<string, AugmentError>();
  /** Archives (file and content) whose integrity check passed: not asked again. */
  readonly #accepted = new Set<string>();
  /** Content hashes of the archives seen by the last scan. */
  #seen = new Set<string>();
  #seenNext = new Set<string>();
  #sourcesNext = new Set<string>();
  /** The manifest read from each extraction root, reused while the root stays the same. */
  readonly #manifests = new Map<string, Manifest>();

  /** @param options - cache folder, limits and integrity pins */
  constructor(options: ArchiveSourceOptions) {
    this.#options = options;
    this.cache = new ArchiveCache(options.cacheDir);
  }

  /** Starts a scan: archives seen from now on are the ones to keep. */
  beginScan(): void {
    this.#seenNext = new Set();
    this.#sourcesNext = new Set();
    this.cache.forgetRealPath();
  }

  /** Ends a scan; returns the extraction directories of the archives it saw. */
  endScan(): Set<string> {
    this.#seen = this.#seenNext;
    for (const key of this.#refused.keys()) {
      if (!this.#sourcesNext.has(key.slice(0, key.indexOf('\0')))) this.#refused.delete(key);
    }
    for (const key of this.#accepted) {
      if (!this.#sourcesNext.has(key.slice(0, key.indexOf('\0')))) this.#accepted.delete(key);
    }
    for (const source of this.#hashes?.keys() ?? []) {
      if (!this.#sourcesNext.has(source)) {
        this.#hashes?.delete(source);
        this.#hashesChanged = true;
      }
    }
    const roots = new Set([...this.#seen].map((sha) => join(this.cache.dir, sha)));
    for (const root of this.#manifests.keys()) {
      if (!roots.has(root.slice(0, root.indexOf('\0')))) this.#manifests.delete(root);
    }
    return new Set([...this.#seen].map((sha) => join(this.cache.dir, sha)));
  }

  /** Inspects one archive; never rejects. */
  readonly inspect = async (source: string): Promise<PluginCandidate> => {
    let sha256: string;
    let cached: Extraction | undefined;
    try {
      const hashed = await this.#hash(source);
      sha256 = hashed.sha256;
      // leased before it is looked up: no other host sweeps it from here on
      cached = await this.cache.lookup(sha256);
      if (cached === undefined && hashed.remembered) {
        // About to extract: hash the bytes that will be extracted, never trust a
        // remembered hash for them (the file may have been rewritten in place
        // with its old size and mtime).
        sha256 = (await this.#hash(source, true)).sha256;
        cached = await this.cache.lookup(sha256);
      }
    } catch (error) {
      return refused(source, '', wrap(source, error));
    }
    this.#seenNext.add(sha256);
    this.#sourcesNext.add(source);
    const fingerprint = `sha256:${sha256}`;
    const refusalKey = `${source}\0${sha256}`;
    const known = this.#refused.get(refusalKey);
    if (known !== undefined) return refused(source, fingerprint, known);
    try {
      const { integrity, requireIntegrity, limits } = this.#options;
      const checking = integrity !== undefined || requireIntegrity;
      if (checking && !this.#accepted.has(refusalKey)) {
        const name = needsName(integrity, source)
          ? await this.#nameFor(source, cached?.root)
          : undefined;
        await checkIntegrity(
          integrity,
          requireIntegrity,
          { file: source, sha256, name },
          this.#options.timeoutMs,
        );
        this.#accepted.add(refusalKey);
      }
      cached ??= await this.cache.ensure(source, sha256, limits);
      const root = await this.cache.realPathOf(cached.root);
      // an extraction never changes under its content hash: its files and manifest neither
      const key = `${cached.dir}\0${root}`;
      let manifest = this.#manifests.get(key);
      if (manifest === undefined) {
        try {
          // no walk: an extraction never changes under its hash and holds no
          // symlink, so the loader needs one stat to find its entry point
          manifest = readManifestSync(root);
        } catch (error) {
          // a hit whose manifest went missing: extract it again, then read it
          if (!cached.extracted && (await this.cache.repair(source, sha256, limits))) {
            return await this.inspect(source);
          }
          return {
            ...base(source, root, fingerprint),
            manifest: undefined,
            error: wrap(source, error),
            errorStage: 'manifest',
            extracted: cached.extracted,
          };
        }
        this.#manifests.set(key, manifest);
      }
      return {
        ...base(source, root, fingerprint),
        manifest,
        error: undefined,
        extracted: cached.extracted,
      };
    } catch (error) {
      const wrapped = wrap(source, error);
      // the archive's own faults stand until its bytes change; I/O trouble is retried
      if (!TRANSIENT.has(wrapped.code)) this.#refused.set(refusalKey, wrapped);
      return refused(source, fingerprint, wrapped);
    }
  };

  /**
   * Called when a plugin from an archive failed to load: when its extraction
   * lost files (someone deleted or changed them), extracts it again, so the
   * failure need not stand (see {@link ArchiveCache.repair}).
   *
   * @returns true when the extraction was damaged and is now complete again
   */
  async repair(candidate: PluginCandidate): Promise<boolean> {
    const sha256 = candidate.fingerprint.slice('sha256:'.length);
    try {
      return await this.cache.repair(candidate.source, sha256, this.#options.limits);
    } catch {
      return false;
    }
  }

  /** Writes the hash index into the cache when this scan changed it. */
  async saveHashes(): Promise<void> {
    if (!this.#hashesChanged || this.#hashes === undefined) return;
    this.#hashesChanged = false;
    await this.cache.writeHashes(this.#hashes);
  }

  /**
   * The archive's SHA-256: remembered while its size, mtime and inode stay
   * the same (`remembered` is then true), else computed from its bytes.
   */
  async #hash(source: string, fresh = false): Promise<{ sha256: string; remembered: boolean }> {
    // synchronous: one small system call, where a thread-pool round trip costs more
    const stats: Stats = statSync(source);
    // a FIFO or a device named .zip: refused without opening it (hashFile checks again on the descriptor)
    if (!stats.isFile()) throw wrapReadError(notRegular(stats), source, undefined);
    const hashes = (this.#hashes ??= this.cache.readHashes());
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
    this.#hashesChanged = true;
    return { sha256, remembered: false };
  }

  /** The plugin's name for an integrity check, read without extracting anything. */
  async #nameFor(source: string, extracted: string | undefined): Promise<string> {
    // an extraction that lost its manifest is not the archive's fault: read the archive then
    const fromExtraction =
      extracted === undefined ? undefined : await readManifest(extracted).catch(() => undefined);
    const manifest =
      fromExtraction ??
      parseManifest(
        (await readArchiveManifest(source, this.#options.limits)).text,
        `${source}!/plugin.manifest.json`,
      );
    return manifest.name;
  }
}

const TRANSIENT = new Set<string>([ERROR_CODES.ARCHIVE_WRITE, ERROR_CODES.ARCHIVE_UNREADABLE]);

function base(
  source: string,
  dir: string,
  fingerprint: string,
): Pick<PluginCandidate, 'source' | 'dir' | 'origin' | 'fingerprint'> {
  return { source, dir, origin: 'archive', fingerprint };
}

function refused(source: string, fingerprint: string, error: AugmentError): PluginCandidate {
  return {
    ...base(source, source, fingerprint),
    manifest: undefined,
    error,
    errorStage:
      error.code === ERROR_CODES.ARCHIVE_NO_MANIFEST || error.code.startsWith('AUG_MANIFEST')
        ? 'manifest'
        : 'extract',
  };
}

function wrap(source: string, error: unknown): AugmentError {
  if (isAugmentError(error)) return error;
  return new ArchiveError(
    ERROR_CODES.ARCHIVE_UNREADABLE,
    `Plugin archive ${source} could not be read (${describeError(error)}). Check that it exists and is readable.`,
    { file: source, cause: error },
  );
}
