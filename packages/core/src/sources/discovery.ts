import { realpathSync, statSync } from 'node:fs';
import {
  AugmentError,
  ERROR_CODES,
  ManifestError,
  describeError,
  isAugmentError,
} from '../errors.js';
import { errorCode, listDir, realPath, statPath } from '../util/fs.js';
import { fingerprintDir, type DirFingerprint } from './directory/fingerprint.js';
import { loopPacer, type Pacer } from '../util/pacer.js';
import { childPath } from '../util/paths.js';
import { MANIFEST_FILE, readManifestSync } from '../manifest/manifest.js';
import type { FailureStage, Manifest, PluginOrigin } from '../types.js';

/** A plugin found in the folder, before it is imported. */
export interface PluginCandidate {
  /** The entry in the host's folder: a plugin directory (or symlink to one) or an archive. */
  readonly source: string;
  /** The real path of the directory to load from. */
  readonly dir: string;
  /** `'directory'` or `'archive'`. */
  readonly origin: PluginOrigin;
  /** Changes whenever any file of the plugin changes. */
  readonly fingerprint: string;
  /** The validated manifest, or the error that kept it from being read. */
  readonly manifest: Manifest | undefined;
  /** Set when the manifest could not be read or validated, or the archive was refused. */
  readonly error: AugmentError | undefined;
  /** The stage `error` belongs to: `manifest`, or `extract` for a refused archive. */
  readonly errorStage?: FailureStage;
  /** For an archive: whether this scan extracted it (false on a cache hit). */
  readonly extracted?: boolean;
  /**
   * For a directory plugin: what the fingerprint walk saw, so the loader can
   * find the entry point (and its source map) without asking the file system
   * again.
   */
  readonly walk?: DirFingerprint;
}

/** Turns a `.zip` in the folder into a candidate (extracting it when needed); never rejects. */
export type ArchiveInspector = (source: string) => Promise<PluginCandidate>;

/** A problem with the folder itself, or with one entry of it, found while scanning. */
export interface ScanProblem {
  /** The folder, or the entry of it, the problem is about. */
  readonly source: string;
  /** `folder` or `manifest`. */
  readonly stage: FailureStage;
  /** What went wrong. */
  readonly error: AugmentError;
}

/** What a scan of the folder found. */
export interface ScanResult {
  /** Plugin directories found, sorted by path. */
  readonly candidates: readonly PluginCandidate[];
  /** Problems with the folder or with an entry of it. */
  readonly problems: readonly ScanProblem[];
  /** Child directories that hold no manifest (not plugins; reported at debug level). */
  readonly skipped: readonly string[];
}

/** How {@link scanFolder} treats archives and what it may reuse. */
export interface ScanOptions {
  /** Inspects the `.zip` files of the folder; without it they are ignored. */
  readonly inspectArchive?: ArchiveInspector | undefined;
  /**
   * The directory candidates of the previous scan, by source: one whose real
   * directory and fingerprint are unchanged is reused as it is (its manifest
   * is not read again; the fingerprint covers the manifest's size, mtime and
   * inode, the same trust the scan gives the entry point).
   */
  readonly previous?: ReadonlyMap<string, PluginCandidate> | undefined;
}

/**
 * Scans the immediate children of `folder` for plugin directories (a directory, or a
 * symlink to one, that holds `plugin.manifest.json`) and archives. Each plugin
 * directory is walked and its manifest read synchronously, yielding to the
 * event loop every few milliseconds (between plugins, and inside the walk of
 * a large one); archives are inspected in parallel. A `.zip` that is a FIFO,
 * a socket or a device (or a symlink to one) is inspected too, to be refused.
 * Never throws: a missing folder or an unreadable entry becomes a problem.
 *
 * @param folder - absolute path of the host's plugin folder
 */
export async function scanFolder(folder: string, options: ScanOptions = {}): Promise<ScanResult> {
  const { inspectArchive, previous } = options;
  let entries;
  let realFolder: string;
  try {
    [entries, realFolder] = await Promise.all([listDir(folder), realPath(folder)]);
  } catch (error) {
    return { candidates: [], skipped: [], problems: [folderProblem(folder, error)] };
  }
  const candidates: PluginCandidate[] = [];
  const problems: ScanProblem[] = [];
  const skipped: string[] = [];
  const archives: Promise<void>[] = [];
  const pacer: Pacer = loopPacer;
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const source = childPath(folder, entry.name);
    if (inspectArchive !== undefined && isArchiveName(entry.name) && !entry.isDirectory()) {
      archives.push(
        (async () => {
          if (entry.isFile() || (await isArchiveFile(source))) {
            candidates.push(await inspectArchive(source));
          }
        })(),
      );
      continue;
    }
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    try {
      // a plain child of the real folder is a real path already
      const dir = entry.isDirectory() ? childPath(realFolder, entry.name) : realDirOfLink(source);
      let found = dir === undefined ? undefined : inspectDirectory(source, dir, previous, pacer);
      if (found instanceof Promise) found = await found;
      if (found === 'not-a-plugin') skipped.push(source);
      else if (found !== undefined) candidates.push(found);
    } catch (error) {
      problems.push({ source, stage: 'manifest', error: wrapUnexpected(source, error) });
    }
    if (pacer.spent()) await pacer.turn();
  }
  await Promise.all(archives);
  candidates.sort((a, b) => compareStrings(a.source, b.source));
  return { candidates, problems, skipped };
}

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

type Inspected = PluginCandidate | 'not-a-plugin';

/** A promise only when the walk of a large plugin had to wait for a turn of the loop. */
function inspectDirectory(
  source: string,
  dir: string,
  previous: ReadonlyMap<string, PluginCandidate> | undefined,
  pacer: Pacer,
): Inspected | Promise<Inspected> {
  const walk = fingerprintDir(dir, pacer);
  return walk instanceof Promise
    ? walk.then((done) => toCandidate(source, dir, previous, done))
    : toCandidate(source, dir, previous, walk);
}

function toCandidate(
  source: string,
  dir: string,
  previous: ReadonlyMap<string, PluginCandidate> | undefined,
  walk: DirFingerprint,
): Inspected {
  // a manifest that is a FIFO or a device counts too: reading it is refused
  if (!walk.files.has(MANIFEST_FILE)) return 'not-a-plugin';
  const known = previous?.get(source);
  if (known !== undefined && known.dir === dir && known.fingerprint === walk.hash) return known;
  const found = { source, dir, origin: 'directory', fingerprint: walk.hash, walk } as const;
  try {
    return { ...found, manifest: readManifestSync(dir), error: undefined };
  } catch (error) {
    return { ...found, manifest: undefined, error: wrapUnexpected(source, error) };
  }
}

/** A plugin archive is a `.zip` file directly in the folder (any case of the extension). */
export function isArchiveName(name: string): boolean {
  return name.toLowerCase().endsWith('.zip');
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

function folderProblem(folder: string, error: unknown): ScanProblem {
  const code = errorCode(error);
  const missing = code === 'ENOENT' || code === 'ENOTDIR';
  return {
    source: folder,
    stage: 'folder',
    error: new AugmentError(
      missing ? ERROR_CODES.FOLDER_MISSING : ERROR_CODES.FOLDER_UNREADABLE,
      missing
        ? `Plugin folder ${folder} does not exist or is not a directory. Create it, or pass the right "folder" to new PluginHost().`
        : `Plugin folder ${folder} could not be read (${describeError(error)}). Check its permissions.`,
      { file: folder, cause: error },
    ),
  };
}

function wrapUnexpected(source: string, error: unknown): AugmentError {
  if (isAugmentError(error)) return error;
  return new ManifestError(
    ERROR_CODES.MANIFEST_UNREADABLE,
    `Plugin directory ${source} could not be read (${describeError(error)}). Check that it exists and is readable.`,
    { file: source, cause: error },
  );
}

/** Plain code-unit order: stable and the same on every platform and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
