import type { Dirent } from 'node:fs';
import { AugmentError, ERROR_CODES, describeError } from '../errors.js';
import { errorCode, listDir, realPath } from '../util/fs.js';
import type { ScanProblem } from './source.js';

/** The children of the host's folder, as one scan sees them. */
export type FolderListing =
  | {
      /** The entries that may be plugins: no dot-names, no `node_modules`. */
      readonly entries: readonly Dirent[];
      /** The folder's real path. */
      readonly realFolder: string;
      readonly problem?: undefined;
    }
  | {
      readonly entries?: undefined;
      readonly realFolder?: undefined;
      /** Why the folder could not be listed (`AUG_FOLDER_MISSING` or `AUG_FOLDER_UNREADABLE`). */
      readonly problem: ScanProblem;
    };

/**
 * Lists the host's folder once per scan for every source that takes its
 * plugins from it (directories and archives): the first `list()` after
 * `begin()` reads the folder, later calls share that result.
 */
export class FolderLister {
  #current: Promise<FolderListing> | undefined;

  /** @param folder - absolute path of the host's plugin folder */
  constructor(readonly folder: string) {}

  /** Starts a scan: the next `list()` reads the folder again. */
  begin(): void {
    this.#current = undefined;
  }

  /** The folder's children for this scan. Never rejects. */
  list(): Promise<FolderListing> {
    this.#current ??= readListing(this.folder);
    return this.#current;
  }
}

async function readListing(folder: string): Promise<FolderListing> {
  try {
    const [all, realFolder] = await Promise.all([listDir(folder), realPath(folder)]);
    const entries = all.filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules');
    return { entries, realFolder };
  } catch (error) {
    return { problem: folderProblem(folder, error) };
  }
}

/** Whether a listing problem leaves the folder's content unknown (it exists but cannot be read). */
export function isUnlisted(listing: FolderListing): boolean {
  return listing.problem?.error.code === ERROR_CODES.FOLDER_UNREADABLE;
}

/** A plugin archive is a `.zip` entry directly in the folder (any case), not a directory. */
export function isArchiveEntry(entry: Dirent): boolean {
  return entry.name.toLowerCase().endsWith('.zip') && !entry.isDirectory();
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
