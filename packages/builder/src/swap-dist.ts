// Publishing a staged build into dist/ without dist/ ever going missing: a
// host that follows dist/ through a link (`augment dev --link`) may read it
// at any moment, so dist/ stays a folder and each file in it is replaced by
// one rename, never deleted first.
import type { Dirent } from 'node:fs';
import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '@augment/core';

/**
 * Moves the content of `stage` into `target`, entry by entry, then removes
 * what `target` holds that `stage` did not, then `stage` itself. Each file is
 * renamed over the one it replaces (atomic on one file system: a reader sees
 * the old file or the new one, never none); a folder that is only in `stage`
 * is renamed in whole; a folder in both is merged the same way. The manifest
 * goes last, so that a reader that sees the new manifest finds the new
 * `index.js` beside it. When `target` is missing (or is not a folder), the
 * stage is renamed to it in one step.
 *
 * @param stage - a complete staged output, beside `target` (same file system)
 * @param target - the folder to update, e.g. `dist/`
 */
export async function swapInto(stage: string, target: string): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (existing === undefined) {
    await rename(stage, target);
    return;
  }
  if (!existing.isDirectory()) {
    await rm(target, { recursive: true, force: true });
    await rename(stage, target);
    return;
  }
  await mergeInto(stage, target, true);
  await rm(stage, { recursive: true, force: true, maxRetries: 3 });
}

/** Moves every entry of `from` into `to` (both folders), then drops the entries `from` did not have. */
async function mergeInto(from: string, to: string, top: boolean): Promise<void> {
  const incoming = await readdir(from, { withFileTypes: true });
  // the manifest last: whoever reads it next finds the files it names already there
  const ordered = top ? [...incoming].sort(manifestLast) : incoming;
  const names = new Set(ordered.map((entry) => entry.name));
  const current = new Map(
    (await readdir(to, { withFileTypes: true })).map((entry) => [entry.name, entry]),
  );
  for (const entry of ordered) {
    const source = join(from, entry.name);
    const destination = join(to, entry.name);
    const there = current.get(entry.name);
    if (entry.isDirectory() && there?.isDirectory() === true) {
      await mergeInto(source, destination, false);
    } else if (entry.isDirectory() && there !== undefined) {
      // a file became a folder: the only case where a name is briefly missing
      await rm(destination, { force: true });
      await rename(source, destination);
    } else if (!entry.isDirectory() && there?.isDirectory() === true) {
      await rm(destination, { recursive: true, force: true, maxRetries: 3 });
      await rename(source, destination);
    } else {
      await rename(source, destination);
    }
  }
  for (const [name, entry] of current) {
    if (!names.has(name)) await removeEntry(join(to, name), entry);
  }
}

function manifestLast(a: Dirent, b: Dirent): number {
  return Number(a.name === MANIFEST_FILE) - Number(b.name === MANIFEST_FILE);
}

async function removeEntry(path: string, entry: Dirent): Promise<void> {
  await rm(path, { recursive: entry.isDirectory(), force: true, maxRetries: 3 });
}
