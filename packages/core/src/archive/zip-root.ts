// Where the plugin is inside an archive. `augment build --zip`, `zip -r` and
// bsdtar run inside the plugin folder put the manifest at the root; Finder's
// Compress, Windows' "Send to compressed folder" and `zip -r p.zip folder`
// wrap everything in one top folder. Entries never extracted (`__MACOSX/`,
// `.DS_Store`, the `./` root entry) count for neither.

import { ERROR_CODES, type ArchiveError } from '../errors.js';
import { REBUILD, archiveError, quoteName } from './zip-errors.js';
import type { CentralEntry } from './zip-read.js';

/** The file that makes a folder a plugin. */
export const MANIFEST = 'plugin.manifest.json';
const LISTED_ENTRIES = 10;

/**
 * The folder of the archive that holds the plugin: `''` when
 * `plugin.manifest.json` is at the root; `'top/'` when the root has no
 * manifest, every extracted entry lies in the one folder `top/`, and
 * `top/plugin.manifest.json` is a file.
 *
 * @param entries - the checked central records
 * @param archive - path of the `.zip`, for messages
 * @throws {ArchiveError} `AUG_ARCHIVE_NO_MANIFEST` listing the first entries
 */
export function findManifestRoot(entries: readonly CentralEntry[], archive: string): string {
  const kept = entries.filter((entry) => entry.skip === undefined);
  const files = new Set(kept.filter((entry) => entry.kind === 'file').map((entry) => entry.path));
  if (files.has(MANIFEST)) return '';
  const top = `${kept[0]?.path.split('/')[0] ?? ''}/`;
  if (files.has(`${top}${MANIFEST}`) && kept.every((entry) => entry.path.startsWith(top))) {
    return top;
  }
  throw noManifest(entries, kept, archive);
}

function noManifest(
  entries: readonly CentralEntry[],
  kept: readonly CentralEntry[],
  archive: string,
): ArchiveError {
  const shown = kept.slice(0, LISTED_ENTRIES).map((entry) => quoteName(entry.path));
  const more = kept.length > LISTED_ENTRIES ? `, … (${kept.length} entries)` : '';
  const skipped = entries.length - kept.length;
  const ignored = skipped > 0 ? ` (and ${skipped} macOS or "./" entries, never extracted)` : '';
  const holds = kept.length === 0 ? 'nothing to extract' : `${shown.join(', ')}${more}`;
  const rule = `it has no ${MANIFEST} at its root or inside a single top-level folder; it holds ${holds}${ignored}`;
  const fix = `Put ${MANIFEST} at the root of the archive (or of its only folder). ${REBUILD}`;
  return archiveError(ERROR_CODES.ARCHIVE_NO_MANIFEST, archive, undefined, rule, fix);
}
