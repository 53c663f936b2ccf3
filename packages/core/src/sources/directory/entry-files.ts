import { statSync } from 'node:fs';
import { sep } from 'node:path';
import type { DirFingerprint, FileKind } from './fingerprint.js';
import { childPath, isSafeRelativePath } from '../../util/paths.js';

/** Files the loader may import (or `require`) besides the entry point. */
const MODULE_EXTENSIONS = /\.(?:[cm]?[jt]s|[jt]sx|json|node|wasm)$/i;

/** Files every built plugin has that it does not import. */
const NOT_IMPORTED = new Set(['plugin.manifest.json', 'package.json']);

/**
 * The entry point's path relative to the plugin directory, when the
 * fingerprint walk saw it as a regular file reached through real directories:
 * its real path is then the real plugin directory joined with it, inside the
 * plugin by construction, so `checkManifestFiles` would find nothing more.
 * Undefined when the walk cannot tell (a symlink, a folder the walk skips, a
 * name that differs only in case, a `\` on POSIX): the caller checks the file
 * system instead.
 *
 * @param files - what the walk saw
 * @param entryPoint - the manifest's `entryPoint`
 */
export function entryFromWalk(
  files: ReadonlyMap<string, FileKind> | undefined,
  entryPoint: string,
): string | undefined {
  if (files === undefined) return undefined;
  const relative = normalEntry(entryPoint);
  return relative !== undefined && files.get(relative) === 'file' ? relative : undefined;
}

/**
 * {@link entryFromWalk} for an archive's extraction, which holds no symlink
 * (the archive checks refuse them) and never changes under its content hash:
 * one `stat` tells whether the entry point is a file there.
 *
 * @param root - the extraction's plugin directory (a real path)
 * @param entryPoint - the manifest's `entryPoint`
 */
export function entryInExtraction(root: string, entryPoint: string): string | undefined {
  const relative = normalEntry(entryPoint);
  if (relative === undefined) return undefined;
  let path = root;
  for (const segment of relative.split('/')) path = childPath(path, segment);
  try {
    return statSync(path).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

/** `entryPoint` as a walk names files (`dist/index.js`), or undefined when unsafe or ambiguous. */
function normalEntry(entryPoint: string): string | undefined {
  if (!isSafeRelativePath(entryPoint)) return undefined;
  if (sep === '/' && entryPoint.includes('\\')) return undefined;
  return entryPoint
    .split(/[\\/]/)
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/**
 * What the walk of a plugin saw of `dir/package.json`, for format detection:
 * its size when it is a regular file reached through real directories,
 * `null` when the walk, which left no folder out, saw none there, undefined
 * when it cannot tell (a symlink, a FIFO, a folder outside the plugin or one
 * the walk left out).
 *
 * @param walk - what the walk saw
 * @param root - the plugin's real directory, which the walk started from
 * @param dir - a directory on the way up from the entry point, named as the walk names it
 */
export function packageJsonFromWalk(
  walk: DirFingerprint,
  root: string,
  dir: string,
): number | null | undefined {
  let relative: string;
  if (dir === root) relative = 'package.json';
  else if (dir.startsWith(root) && dir[root.length] === sep) {
    relative = `${dir
      .slice(root.length + 1)
      .split(sep)
      .join('/')}/package.json`;
  } else return undefined;
  const kind = walk.files.get(relative);
  if (kind === undefined) return walk.complete ? null : undefined;
  return kind === 'file' ? walk.sizes.get(relative) : undefined;
}

/**
 * Whether a plugin is a single module: no file but its entry point that an
 * import could reach (other scripts, JSON, addons, WebAssembly), apart from
 * its manifest and `package.json`, and no folder the walk left out
 * (`node_modules`, dot-folders, symlinked folders). A fresh import of such a plugin needs no
 * resolve hook: a new query on the entry's URL is enough. This is the layout
 * `augment build` writes (one bundle, its map, the manifest, package.json).
 *
 * @param walk - what the walk saw
 * @param entry - the entry point, relative to the plugin directory (from {@link entryFromWalk})
 */
export function isSingleModule(walk: DirFingerprint, entry: string): boolean {
  const { files, complete } = walk;
  if (!complete) return false;
  for (const name of files.keys()) {
    if (name === entry || NOT_IMPORTED.has(name)) continue;
    if (MODULE_EXTENSIONS.test(name)) return false;
  }
  return true;
}
