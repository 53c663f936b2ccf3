import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveEntryInfo } from '../../archive/archive.js';

/**
 * Whether an extraction still holds every entry of its archive: each folder
 * a folder, each file a regular file of the size the archive gives. Files
 * the archive does not list are not looked for. Synchronous: it runs only
 * after a load failed, on a folder the cache owns.
 *
 * @param dir - the extraction folder (`cacheDir/<sha256>`)
 * @param entries - the archive's entries, from `inspectArchive`
 */
export function holdsEntries(dir: string, entries: readonly ArchiveEntryInfo[]): boolean {
  for (const entry of entries) {
    const path = join(dir, ...entry.name.split('/').filter((segment) => segment !== ''));
    try {
      const stats = lstatSync(path);
      const fits =
        entry.type === 'directory'
          ? stats.isDirectory()
          : stats.isFile() && stats.size === entry.size;
      if (!fits) return false;
    } catch {
      return false;
    }
  }
  return true;
}
