import { isAbsolute, relative } from 'node:path';

/**
 * Shows a path the way a user typed it: relative to the current folder when
 * it is inside it, absolute otherwise. Always with `/` separators.
 *
 * @param path - an absolute path
 * @param cwd - the current folder (process.cwd() by default)
 */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split('\\').join('/');
}

/**
 * Quotes a path for a shell command line when it needs it.
 *
 * @param path - the path to print in a command
 */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/u.test(path) ? path : `"${path.replace(/(["\\$`])/gu, '\\$1')}"`;
}
