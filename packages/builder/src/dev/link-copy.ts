// The copy that stands in for a link where the file system refuses links:
// marked as augment's (so that unlink removes it and nothing else), and
// refreshed after each build file by file, like dist/ itself.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { swapInto } from '../swap-dist.js';

/** The marker file in a copy: which `dist/` it copies. */
export const COPY_MARKER = '.augment-link.json';

/**
 * Whether `entry` is a copy augment made of `dist`.
 *
 * @param entry - a folder in the host's plugin folder
 * @param dist - the project's `dist/` (absolute)
 */
export async function isOurCopy(entry: string, dist: string): Promise<boolean> {
  try {
    const marker: unknown = JSON.parse(await readFile(join(entry, COPY_MARKER), 'utf8'));
    return typeof marker === 'object' && marker !== null && Reflect.get(marker, 'dist') === dist;
  } catch {
    return false;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) await copyTree(source, join(to, entry.name));
    else if (entry.isFile()) await copyFile(source, join(to, entry.name));
  }
}

/**
 * Makes or refreshes the copy of `dist` at `entry`: copied into a dot-named
 * stage in the host's folder (a host skips dot-entries), marked, then moved
 * into place file by file (see `swapInto`).
 *
 * @param entry - where the copy goes (free, or already our copy)
 * @param dist - the project's `dist/` (absolute)
 */
export async function placeCopy(entry: string, dist: string): Promise<void> {
  const stage = join(dirname(entry), `.${basename(entry)}-copy-${randomBytes(6).toString('hex')}`);
  try {
    await copyTree(dist, stage);
    await writeFile(
      join(stage, COPY_MARKER),
      `${JSON.stringify({ note: 'a copy made by augment link; augment unlink removes it', dist }, null, 2)}\n`,
    );
    await swapInto(stage, entry);
  } finally {
    await rm(stage, { recursive: true, force: true }).catch(() => undefined);
  }
}
