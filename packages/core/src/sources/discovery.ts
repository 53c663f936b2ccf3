import { ArchiveSource, type ArchiveSourceOptions } from './archive/archive-source.js';
import { DirectorySource } from './directory/directory-source.js';
import { FolderLister } from './folder-listing.js';
import type { PluginSource } from './source.js';

/** What the sources of one plugin folder need from the host's options. */
export interface FolderSourcesOptions extends Omit<ArchiveSourceOptions, 'timeoutMs'> {
  /** Absolute path of the plugin folder. */
  readonly folder: string;
  /** Bound on an integrity function, in ms. */
  readonly loadTimeoutMs: number;
}

/**
 * The sources of one plugin folder: its plugin directories and its `.zip`
 * archives, sharing one listing of the folder per scan. A second folder
 * would be a second pair.
 */
export function createFolderSources(options: FolderSourcesOptions): PluginSource[] {
  const lister = new FolderLister(options.folder);
  const { cacheDir, limits, integrity, requireIntegrity, loadTimeoutMs } = options;
  return [
    new DirectorySource(lister),
    new ArchiveSource(lister, {
      cacheDir,
      limits,
      integrity,
      requireIntegrity,
      timeoutMs: loadTimeoutMs,
    }),
  ];
}
