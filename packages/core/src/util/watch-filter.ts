import { statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * How deep the watcher reads, counted from the folder (its direct children are
 * at depth 1): the folder, each plugin directory and 32 levels below it, the
 * same bound as the scan's walk of a plugin.
 */
export const WATCH_DEPTH = 33;

/**
 * Whether the watcher leaves `path` (below `folder`) alone, so that it watches
 * what the scan loads, and nothing it could loop in:
 * - in the folder itself, dot-entries and `node_modules` (the scan skips them);
 * - inside a plugin, `node_modules` and dot-folders, and every symlink except
 *   one to a file: a symlinked directory is not followed (as in the scan), and
 *   a dangling or looping link is not watched; special files (FIFOs, sockets,
 *   devices), which the scan skips too;
 * - anything below an ignored directory.
 * A plugin that is itself a symlink to a directory is followed.
 *
 * @param stats - chokidar's stats of `path` when it has them: `lstat` for an
 *   entry found in a directory listing, `stat` for a path it is about to watch
 */
export function isWatchIgnored(folder: string, path: string, stats?: Stats): boolean {
  const rel = relative(folder, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  const parts = rel.split(sep);
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return isSkippedName(name) || isBrokenLink(path, stats);
  if (parts.slice(0, -1).some(isSkippedName)) return true;
  if (stats === undefined) return false;
  if (stats.isDirectory()) return isSkippedName(name);
  if (stats.isSymbolicLink()) return !isLinkToFile(path);
  return !stats.isFile();
}

function isSkippedName(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

function isBrokenLink(path: string, stats: Stats | undefined): boolean {
  return stats?.isSymbolicLink() === true && statOrUndefined(path) === undefined;
}

function isLinkToFile(path: string): boolean {
  return statOrUndefined(path)?.isFile() === true;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
