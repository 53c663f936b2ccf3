import { lstatSync, realpathSync, statSync } from 'node:fs';
import { debug } from '../../util/log.js';
import { ERROR_CODES, ManifestError, describeError, isAugmentError } from '../../errors.js';
import type { AugmentError } from '../../errors.js';
import { fingerprintDir, type DirFingerprint } from './fingerprint.js';
import { loopPacer, type Pacer } from '../../util/pacer.js';
import { childPath } from '../../util/paths.js';
import { MANIFEST_FILE, readManifestSync } from '../../manifest/manifest.js';
import { isArchiveEntry, isUnlisted, type FolderLister } from '../folder-listing.js';
import type { PluginCandidate, PluginSource, ScanProblem, SourceScan } from '../source.js';

/**
 * The plugin directories of the host's folder: each child directory (or
 * symlink to one) that holds `plugin.manifest.json`. Each is walked and its
 * manifest read synchronously, yielding to the event loop every few
 * milliseconds (between plugins, and inside the walk of a large one). Owns
 * the fingerprints: a directory whose real path and fingerprint are unchanged
 * since the last scan is handed out as the very same candidate (its manifest
 * is not read again; the fingerprint covers the manifest's size, mtime and
 * inode, the same trust the scan gives the entry point). Reports the folder's
 * own problems (missing, unreadable) for every source that shares its listing.
 */
export class DirectorySource implements PluginSource {
  readonly #lister: FolderLister;
  readonly #pacer: Pacer;
  /** The candidates of the last scan, by source: reused while unchanged. */
  #previous = new Map<string, PluginCandidate>();

  /**
   * @param lister - the folder's listing, shared with the archive source
   * @param pacer - the event loop's budget for the synchronous walk
   */
  constructor(lister: FolderLister, pacer: Pacer = loopPacer) {
    this.#lister = lister;
    this.#pacer = pacer;
  }

  /** Starts a scan: the folder is listed again. */
  beginScan(): void {
    this.#lister.begin();
  }

  /** Walks each plugin directory of the folder. Never rejects. */
  async candidates(): Promise<SourceScan> {
    const listing = await this.#lister.list();
    if (listing.problem !== undefined) {
      this.#previous = new Map();
      return {
        candidates: [],
        skipped: [],
        problems: [listing.problem],
        complete: !isUnlisted(listing),
      };
    }
    const { entries, realFolder } = listing;
    const folder = this.#lister.folder;
    const candidates: PluginCandidate[] = [];
    const problems: ScanProblem[] = [];
    const skipped: string[] = [];
    const pacer = this.#pacer;
    for (const entry of entries) {
      if (isArchiveEntry(entry)) continue;
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const source = childPath(folder, entry.name);
      try {
        // a plain child of the real folder is a real path already
        const dir = entry.isDirectory() ? childPath(realFolder, entry.name) : realDirOfLink(source);
        let found = dir === undefined ? undefined : this.#inspect(source, dir);
        if (found instanceof Promise) found = await found;
        if (found === 'not-a-plugin') skipped.push(source);
        else if (found !== undefined) candidates.push(found);
      } catch (error) {
        problems.push({ source, stage: 'manifest', error: wrapUnexpected(source, error) });
      }
      if (pacer.spent()) await pacer.turn();
    }
    this.#previous = new Map(candidates.map((c) => [c.source, c]));
    return { candidates, problems, skipped, complete: true };
  }

  /**
   * Walks one plugin directory of the last scan again, alone (a targeted
   * reload), and remembers its new fingerprint. Never rejects.
   *
   * @returns the candidate now, or undefined when the entry is no longer a plugin directory
   */
  async inspect(candidate: PluginCandidate): Promise<PluginCandidate | undefined> {
    const { source } = candidate;
    try {
      const dir = lstatSync(source).isDirectory()
        ? realpathSync.native(source)
        : realDirOfLink(source);
      let found = dir === undefined ? undefined : this.#inspect(source, dir);
      if (found instanceof Promise) found = await found;
      if (found === undefined || found === 'not-a-plugin') return undefined;
      this.#previous.set(source, found);
      return found;
    } catch (error) {
      debug('%s could not be inspected alone: %s', source, describeError(error));
      return undefined;
    }
  }

  /** Nothing to tidy: the fingerprints of this scan are already remembered. */
  endScan(): Promise<void> {
    return Promise.resolve();
  }

  /** Forgets the fingerprints. */
  close(): Promise<void> {
    this.#previous.clear();
    return Promise.resolve();
  }

  /** A promise only when the walk of a large plugin had to wait for a turn of the loop. */
  #inspect(source: string, dir: string): Inspected | Promise<Inspected> {
    const known = this.#previous.get(source);
    // the listings of the last walk of the same real directory are reused while unchanged
    const walk = fingerprintDir(dir, this.#pacer, known?.dir === dir ? known.walk : undefined);
    return walk instanceof Promise
      ? walk.then((done) => this.#toCandidate(source, dir, done))
      : this.#toCandidate(source, dir, walk);
  }

  #toCandidate(source: string, dir: string, walk: DirFingerprint): Inspected {
    // a manifest that is a FIFO or a device counts too: reading it is refused
    if (!walk.files.has(MANIFEST_FILE)) return 'not-a-plugin';
    const known = this.#previous.get(source);
    if (known !== undefined && known.dir === dir && known.fingerprint === walk.hash) return known;
    const found = { source, dir, origin: 'directory', fingerprint: walk.hash, walk } as const;
    try {
      return {
        ...found,
        manifest: readManifestSync(dir, walk.sizes.get(MANIFEST_FILE)),
        error: undefined,
      };
    } catch (error) {
      return { ...found, manifest: undefined, error: wrapUnexpected(source, error) };
    }
  }
}

type Inspected = PluginCandidate | 'not-a-plugin';

/** The real path of a symlinked entry, or undefined when it does not lead to a directory. */
function realDirOfLink(source: string): string | undefined {
  let stats;
  try {
    stats = statSync(source);
  } catch {
    return undefined;
  }
  return stats.isDirectory() ? realpathSync.native(source) : undefined;
}

function wrapUnexpected(source: string, error: unknown): AugmentError {
  if (isAugmentError(error)) return error;
  return new ManifestError(
    ERROR_CODES.MANIFEST_UNREADABLE,
    `Plugin directory ${source} could not be read (${describeError(error)}). Check that it exists and is readable.`,
    { file: source, cause: error },
  );
}
