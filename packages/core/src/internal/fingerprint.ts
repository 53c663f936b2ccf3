import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { listDir, statPath } from './fs.js';

const MAX_DEPTH = 32;

/**
 * A cheap fingerprint of every file in a plugin directory: size, mtime and
 * inode of each, from one stat pass that reads no file. `node_modules` and
 * dot-folders are skipped; symlinked directories are not followed.
 * Any change to any file changes the fingerprint.
 */
export async function fingerprintDir(dir: string): Promise<DirFingerprint> {
  const lines: string[] = [];
  await walk(dir, '', 0, lines);
  lines.sort();
  const files = lines.map((line) => line.slice(0, line.indexOf('\0')));
  return { hash: createHash('sha1').update(lines.join('\n')).digest('hex'), files };
}

/** The result of {@link fingerprintDir}. */
export interface DirFingerprint {
  /** Changes whenever any file's size, mtime or inode changes, or a file comes or goes. */
  readonly hash: string;
  /** Relative paths (with `/`) of the files seen, sorted. */
  readonly files: readonly string[];
}

async function walk(root: string, relative: string, depth: number, out: string[]): Promise<void> {
  const entries = await listDir(relative === '' ? root : join(root, relative));
  const pending: Promise<void>[] = [];
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || depth >= MAX_DEPTH) {
        continue;
      }
      pending.push(walk(root, name, depth + 1, out));
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      pending.push(
        statPath(join(root, name)).then(
          (stats) => {
            if (!stats.isDirectory()) {
              out.push(`${name}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}`);
            }
          },
          () => {
            out.push(`${name}\0dangling`);
          },
        ),
      );
    }
  }
  await Promise.all(pending);
}
