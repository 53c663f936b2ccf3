import { join } from 'node:path';
import { readArchiveManifest, type ArchiveLimits } from '../../archive/archive.js';
import { ArchiveCache } from './cache.js';
import { ArchiveHashes } from './archive-hashes.js';
import type { Extraction } from './extraction.js';
import { isArchiveEntry, isUnlisted, type FolderLister } from '../folder-listing.js';
import type { PluginCandidate, PluginSource, SourceScan } from '../source.js';
import {
  AugmentError,
  ERROR_CODES,
  ERROR_STAGES,
  describeError,
  isAugmentError,
  ArchiveError,
} from '../../errors.js';
import { checkIntegrity, needsName, type IntegrityOption } from './integrity.js';
import { childPath } from '../../util/paths.js';
import { debug } from '../../util/log.js';
import { statPath } from '../../util/fs.js';
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
 * The `.zip` files of the host's folder: hashes each (only again when its
 * size, mtime or inode change), checks its integrity pin, extracts it into
 * the cache unless that content is already there, and reads its manifest. An
 * archive refused once is not inspected again until its bytes change. After
 * each scan it leases the extractions the host serves from and sweeps the
 * ones nothing uses any more.
 */
export class ArchiveSource implements PluginSource {
  readonly #cache: ArchiveCache;
  readonly #lister: FolderLister;
  readonly #options: ArchiveSourceOptions;
  readonly #hashes: ArchiveHashes;
  readonly #refused = new Map<string, AugmentError>();
  /** Archives (file and content) whose integrity check passed: not asked again. */
  readonly #accepted = new Set<string>();
  #seenNext = new Set<string>();
  #sourcesNext = new Set<string>();
  /** The manifest read from each extraction root, reused while the root stays the same. */
  readonly #manifests = new Map<string, Manifest>();
  /** Whether this host has used the cache: from then on it leases and sweeps after each scan. */
  #cacheUsed = false;

  /**
   * @param lister - the folder's listing, shared with the directory source
   * @param options - cache folder, limits and integrity pins
   */
  constructor(lister: FolderLister, options: ArchiveSourceOptions) {
    this.#lister = lister;
    this.#options = options;
    this.#cache = new ArchiveCache(options.cacheDir);
    this.#hashes = new ArchiveHashes(this.#cache);
  }

  /** Starts a scan: archives seen from now on are the ones to keep. */
  beginScan(): void {
    this.#lister.begin();
    this.#seenNext = new Set();
    this.#sourcesNext = new Set();
    this.#cache.forgetRealPath();
  }

  /**
   * Inspects every archive of the folder, in parallel. A `.zip` that is a
   * FIFO, a socket or a device (or a symlink to one) is inspected too, to be
   * refused. The folder's own problems are the directory source's to report.
   */
  async candidates(): Promise<SourceScan> {
    const listing = await this.#lister.list();
    if (listing.problem !== undefined) {
      return { candidates: [], problems: [], skipped: [], complete: !isUnlisted(listing) };
    }
    const folder = this.#lister.folder;
    const found = await Promise.all(
      listing.entries.filter(isArchiveEntry).map(async (entry) => {
        const source = childPath(folder, entry.name);
        if (entry.isFile() || (await isArchiveFile(source))) return this.#inspect(source);
        return undefined;
      }),
    );
    const candidates = found.filter((c): c is PluginCandidate => c !== undefined);
    return { candidates, problems: [], skipped: [], complete: true };
  }

  /**
   * Leases the extractions this host serves from (those of the archives this
   * scan saw, and `kept`) and removes the ones nothing uses any more (gone or
   * changed archives), unless another live host process leases them; then
   * saves the hash index. Runs only once the cache has been used.
   */
  async endScan(kept: ReadonlySet<string>): Promise<void> {
    const keep = this.#forgetUnseen();
    for (const dir of kept) keep.add(dir);
    if (keep.size === 0 && !this.#cacheUsed) return;
    this.#cacheUsed = true;
    // at once: the sweep spares what this host leases whether or not the
    // lease file is written yet (that file is for the other host processes)
    const tidied = await Promise.allSettled([
      this.#cache.lease(keep),
      this.#cache.sweep(keep),
      this.#hashes.save(),
    ]);
    for (const outcome of tidied) {
      if (outcome.status === 'rejected') {
        debug(
          'could not tidy the archive cache %s: %s',
          this.#cache.dir,
          describeError(outcome.reason),
        );
      }
    }
  }

  /** Removes this host's lease on the cache (extractions stay for the next start). */
  async close(): Promise<void> {
    if (this.#cacheUsed) await this.#cache.release().catch(() => undefined);
  }

  /** Forgets what belongs to archives the scan did not see; returns the extractions it saw. */
  #forgetUnseen(): Set<string> {
    const seen = this.#seenNext;
    for (const key of this.#refused.keys()) {
      if (!this.#sourcesNext.has(key.slice(0, key.indexOf('\0')))) this.#refused.delete(key);
    }
    for (const key of this.#accepted) {
      if (!this.#sourcesNext.has(key.slice(0, key.indexOf('\0')))) this.#accepted.delete(key);
    }
    this.#hashes.keepOnly(this.#sourcesNext);
    const roots = new Set([...seen].map((sha) => join(this.#cache.dir, sha)));
    for (const root of this.#manifests.keys()) {
      if (!roots.has(root.slice(0, root.indexOf('\0')))) this.#manifests.delete(root);
    }
    return new Set([...seen].map((sha) => join(this.#cache.dir, sha)));
  }

  /** Inspects one archive; never rejects. */
  async #inspect(source: string): Promise<PluginCandidate> {
    let sha256: string;
    let cached: Extraction | undefined;
    try {
      const hashed = await this.#hashes.hash(source);
      sha256 = hashed.sha256;
      // leased before it is looked up: no other host sweeps it from here on
      cached = await this.#cache.lookup(sha256);
      if (cached === undefined && hashed.remembered) {
        // About to extract: hash the bytes that will be extracted, never trust a
        // remembered hash for them (the file may have been rewritten in place
        // with its old size and mtime).
        sha256 = (await this.#hashes.hash(source, true)).sha256;
        cached = await this.#cache.lookup(sha256);
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
      cached ??= await this.#cache.ensure(source, sha256, limits);
      const root = await this.#cache.realPathOf(cached.root);
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
          if (!cached.extracted && (await this.#cache.repair(source, sha256, limits))) {
            return await this.#inspect(source);
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
  }

  /**
   * Called when a plugin from an archive failed to load: when its extraction
   * lost files (someone deleted or changed them), extracts it again, so the
   * failure need not stand (see {@link ArchiveCache.repair}).
   *
   * @returns true when the extraction was damaged and is now complete again
   */
  async repair(candidate: PluginCandidate): Promise<boolean> {
    if (candidate.origin !== 'archive') return false;
    const sha256 = candidate.fingerprint.slice('sha256:'.length);
    try {
      return await this.#cache.repair(candidate.source, sha256, this.#options.limits);
    } catch {
      return false;
    }
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

/**
 * Whether a `.zip` entry that is not a plain file (a symlink, a FIFO, …) is
 * to be inspected: anything that exists and is not a directory. The archive
 * source refuses what is not a regular file.
 */
async function isArchiveFile(path: string): Promise<boolean> {
  const stats = await statPath(path).catch(() => undefined);
  return stats !== undefined && !stats.isDirectory();
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
    errorStage: ERROR_STAGES[error.code] === 'manifest' ? 'manifest' : 'extract',
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
