import path, { type PlatformPath } from 'node:path';

/** `C:`, `c:` … at the start: drive-absolute (`C:\x`) or drive-relative (`C:x`). */
const DRIVE_PREFIX = /^[A-Za-z]:/;

/** Either separator: `\` separates on Windows, and a plugin built on Linux may run there. */
const ANY_SEPARATOR = /[\\/]/;

/**
 * Tells whether `target` is `root` itself or lies below it, comparing the
 * resolved paths (`..` and trailing separators are normalised away). On
 * `path.win32` the comparison ignores case, like the file system does. A
 * sibling that merely shares a prefix (`/a/bc` for root `/a/b`) is outside.
 *
 * @param root - the directory that must contain `target`
 * @param target - the path to check
 * @param p - path implementation; `path.win32` or `path.posix` in tests
 */
export function isInside(root: string, target: string, p: PlatformPath = path): boolean {
  const relative = p.relative(p.resolve(root), p.resolve(target));
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${p.sep}`) && !p.isAbsolute(relative);
}

/**
 * Tells whether `rel` is a relative path that cannot leave the directory it is
 * resolved against: not empty, no NUL, not absolute, no drive letter (`C:\x`
 * or the drive-relative `C:x`), no UNC (`\\server\share`, `//server/share`)
 * and no `..` segment at all, even one that would normalise back inside.
 *
 * The drive, UNC and `\` rules hold whatever `p` is: a plugin folder built on
 * Linux may be loaded on Windows, so a path unsafe on either is refused.
 *
 * @param rel - a path from a manifest, e.g. `./dist/index.js`
 * @param p - path implementation deciding what else counts as absolute
 */
export function isSafeRelativePath(rel: string, p: PlatformPath = path): boolean {
  if (rel === '' || rel.includes('\0')) return false;
  if (DRIVE_PREFIX.test(rel) || ANY_SEPARATOR.test(rel.charAt(0)) || p.isAbsolute(rel)) {
    return false;
  }
  return !rel.split(ANY_SEPARATOR).includes('..');
}

/**
 * `path.join(dir, name)` for an absolute, normalised `dir` and a `name` read
 * from that directory (no separator, not `.` or `..`): plain concatenation,
 * without `join`'s normalisation, which a scan of thousands of plugins pays
 * several times per plugin.
 *
 * @param dir - an absolute, normalised directory path
 * @param name - one entry of that directory
 */
export function childPath(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}
