import { readdir, realpath, stat, statSync, type Dirent, type Stats } from 'node:fs';

// The callback API costs measurably less per call than fs.promises on small
// files, and discovery makes a few calls per plugin: wrap it by hand.

/** Lists a directory with file types. */
export function listDir(dir: string): Promise<Dirent[]> {
  return new Promise((resolve, reject) => {
    readdir(dir, { withFileTypes: true }, (error, entries) => {
      if (error) reject(error);
      else resolve(entries);
    });
  });
}

/** `fs.stat`, following symlinks. */
export function statPath(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => {
    stat(path, (error, stats) => {
      if (error) reject(error);
      else resolve(stats);
    });
  });
}

/**
 * `fs.realpath.native`: one system call, where the JavaScript `fs.realpath`
 * makes an `lstat` per path component (measured: 5 realpaths per plugin made
 * a cold load of 1000 plugins spend ~250 ms in lstat).
 */
export function realPath(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    realpath.native(path, (error, resolved) => {
      if (error) reject(error);
      else resolve(resolved);
    });
  });
}

/** The `code` of a Node system error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Whether `path` is (or links to) a regular file: not a FIFO, a socket or a device. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
