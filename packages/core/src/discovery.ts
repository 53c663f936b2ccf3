import { join } from 'node:path';
import {
  AugmentError,
  ERROR_CODES,
  ManifestError,
  describeError,
  isAugmentError,
} from './errors.js';
import { errorCode, listDir, realPath, statPath } from './internal/fs.js';
import { fingerprintDir } from './internal/fingerprint.js';
import { MANIFEST_FILE, readManifest } from './manifest.js';
import type { FailureStage, Manifest, PluginOrigin } from './types.js';

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

/**
 * Scans the immediate children of `folder` for plugin directories (a directory, or a
 * symlink to one, that holds `plugin.manifest.json`), reading manifests in parallel.
 * Never throws: a missing folder or an unreadable entry becomes a problem.
 *
 * @param folder - absolute path of the host's plugin folder
 */
export async function scanFolder(
  folder: string,
  inspectArchive?: ArchiveInspector,
): Promise<ScanResult> {
  let entries;
  try {
    entries = await listDir(folder);
  } catch (error) {
    return { candidates: [], skipped: [], problems: [folderProblem(folder, error)] };
  }
  const candidates: PluginCandidate[] = [];
  const problems: ScanProblem[] = [];
  const skipped: string[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') return;
      const source = join(folder, entry.name);
      if (inspectArchive !== undefined && isArchiveName(entry.name) && !entry.isDirectory()) {
        if (entry.isFile() || (await isFile(source))) candidates.push(await inspectArchive(source));
        return;
      }
      if (!entry.isDirectory() && !entry.isSymbolicLink()) return;
      try {
        const found = await inspectDirectory(source, entry.isSymbolicLink());
        if (found === 'not-a-plugin') skipped.push(source);
        else if (found !== undefined) candidates.push(found);
      } catch (error) {
        problems.push({ source, stage: 'manifest', error: wrapUnexpected(source, error) });
      }
    }),
  );
  candidates.sort((a, b) => compareStrings(a.source, b.source));
  return { candidates, problems, skipped };
}

async function inspectDirectory(
  source: string,
  isLink: boolean,
): Promise<PluginCandidate | 'not-a-plugin' | undefined> {
  if (isLink) {
    const stats = await statPath(source).catch(() => undefined);
    if (stats === undefined || !stats.isDirectory()) return undefined;
  }
  const dir = await realPath(source);
  const { hash, files } = await fingerprintDir(dir);
  if (!files.includes(MANIFEST_FILE)) return 'not-a-plugin';
  try {
    const manifest = await readManifest(dir);
    return { source, dir, origin: 'directory', fingerprint: hash, manifest, error: undefined };
  } catch (error) {
    return {
      source,
      dir,
      origin: 'directory',
      fingerprint: hash,
      manifest: undefined,
      error: wrapUnexpected(source, error),
    };
  }
}

/** A plugin archive is a `.zip` file directly in the folder (any case of the extension). */
export function isArchiveName(name: string): boolean {
  return name.toLowerCase().endsWith('.zip');
}

async function isFile(path: string): Promise<boolean> {
  const stats = await statPath(path).catch(() => undefined);
  return stats?.isFile() ?? false;
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
