import { createHash } from 'node:crypto';
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { childPath } from './paths.js';

const MAX_DEPTH = 32;
/** Listings up to this many characters (a dozen files or so) are kept as they are. */
const SHORT_LISTING = 1024;

/**
 * How the walk saw a file: `'file'` is a regular file reached through real
 * directories only, so its real path is the plugin's real directory joined
 * with its relative path; `'link'` is a symlink to a file; `'dangling'` is a
 * symlink whose target is gone (or a file that vanished during the walk).
 */
export type FileKind = 'file' | 'link' | 'dangling';

/** The result of {@link fingerprintDir}. */
export interface DirFingerprint {
  /**
   * Changes whenever any file's size, mtime or inode changes, or a file comes
   * or goes: the listing itself when short, else its SHA-1.
   */
  readonly hash: string;
  /** Relative paths (with `/`) of the files seen, and how each was seen. */
  readonly files: ReadonlyMap<string, FileKind>;
  /**
   * False when the walk left a directory out (`node_modules`, a dot-folder, a
   * symlink to a directory, or one nested too deep): `files` is then not every
   * file of the plugin.
   */
  readonly complete: boolean;
}

/**
 * A cheap fingerprint of every file in a plugin directory: size, mtime and
 * inode of each, from one stat pass that reads no file. `node_modules` and
 * dot-folders are skipped; symlinked directories are not followed.
 * Any change to any file changes the fingerprint.
 *
 * Synchronous on purpose: a plugin directory holds a handful of files, and a
 * `readdirSync` / `statSync` costs a few microseconds where each thread-pool
 * round trip of the async API costs tens (measured: the async walk was the
 * largest share of a warm reload). Callers yield between plugins.
 */
export function fingerprintDir(dir: string): DirFingerprint {
  const seen: Seen = { lines: [], files: new Map(), complete: true };
  walk(dir, '', 0, seen);
  seen.lines.sort();
  const text = seen.lines.join('\n');
  // a short listing is its own fingerprint: cheaper than hashing it, and exact
  const hash = text.length <= SHORT_LISTING ? text : createHash('sha1').update(text).digest('hex');
  return { hash, files: seen.files, complete: seen.complete };
}

interface Seen {
  readonly lines: string[];
  readonly files: Map<string, FileKind>;
  complete: boolean;
}

function walk(absolute: string, relative: string, depth: number, seen: Seen): void {
  const { lines, files } = seen;
  const entries: Dirent[] = readdirSync(absolute, { withFileTypes: true });
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const path = childPath(absolute, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || depth >= MAX_DEPTH) {
        seen.complete = false;
        continue;
      }
      walk(path, name, depth + 1, seen);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      const stats = statOrUndefined(path);
      if (stats === undefined) {
        lines.push(`${name}\0dangling`);
        files.set(name, 'dangling');
      } else if (stats.isDirectory()) {
        seen.complete = false;
      } else {
        lines.push(`${name}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}`);
        files.set(name, entry.isFile() ? 'file' : 'link');
      }
    }
  }
}

/** `statSync`, or undefined for a dangling symlink, a loop, or a file that vanished. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
