// The sweep of an archive cache shared by several host processes: what it
// removes, and the two-step check that keeps it from removing what another
// host has just leased. See ArchiveCache for the whole protocol.

import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../errors.js';
import {
  INTENT_TTL_MS,
  isAlive,
  readLiveIntents,
  readLiveLeases,
  writeHeld,
  type LiveLeases,
} from './cache-leases.js';
import { HASHES_TEMP } from './hash-index.js';
import { debug } from '../../util/log.js';

/** An extraction's folder name: the archive's SHA-256. */
export const EXTRACTION_NAME = /^[0-9a-f]{64}$/;
/** Temporary folders: `.tmp-<hash>-<pid>-<id>-<random>` (an extraction in progress). */
export const TEMP_PREFIX = '.tmp-';
/** An extraction being removed: renamed first, so a loader sees all of it or none. */
export const TRASH_SUFFIX = '.trash';

/** What a sweep needs from its cache. */
export interface SweepContext {
  /** The cache directory. */
  readonly dir: string;
  /** Extraction names this host keeps. */
  readonly kept: ReadonlySet<string>;
  /** This host's lease file name (not read). */
  readonly ownLease: string;
  /** This host's sweep intent file. */
  readonly intentFile: string;
  /** Whether this host leases a name now (it may have claimed one since). */
  isLeased(name: string): boolean;
  /** A fresh trash path for an extraction. */
  trashPath(name: string): string;
}

/**
 * Removes the extractions nothing uses, temporary folders of dead processes,
 * trash, and hash index files, leases and sweep intents dead processes left. An extraction is first
 * renamed to trash (see {@link moveToTrash}).
 *
 * @returns the names removed
 */
export async function sweepCache(context: SweepContext): Promise<string[]> {
  const { dir } = context;
  // read at once: the folder, the leases, and the intents (which removes those
  // of sweeps cut short by a crash)
  const [names, leases] = await Promise.all([
    readdir(dir).catch(() => undefined),
    readLiveLeases(dir, context.ownLease),
    readLiveIntents(dir),
  ]);
  if (names === undefined) return [];
  const unused: string[] = [];
  const garbage: string[] = [];
  for (const name of names) {
    // a hash index being written by a process that died before renaming it
    const index = HASHES_TEMP.exec(name);
    if (index !== null) {
      if (!isAlive(Number(index[1]))) await rm(join(dir, name), { force: true });
      continue;
    }
    const kind = kindOf(name, context, leases);
    if (kind === undefined || !(await isDirectory(join(dir, name)))) continue;
    if (kind === 'garbage') garbage.push(name);
    else unused.push(name);
  }
  const removed: [string, string][] = garbage.map((name) => [name, join(dir, name)]);
  removed.push(...(await moveToTrash(unused, context)));
  for (const [name, path] of removed) {
    await rm(path, { recursive: true, force: true });
    debug('removed unused extraction %s', join(dir, name));
  }
  return removed.map(([name]) => name);
}

/** `'unused'` for an extraction nothing holds, `'garbage'` for a leftover folder, else undefined. */
function kindOf(
  name: string,
  context: SweepContext,
  leases: LiveLeases,
): 'unused' | 'garbage' | undefined {
  if (name.startsWith(TEMP_PREFIX)) {
    // trash is anyone's; an extraction in progress is its process's while it lives
    const leftover = name.endsWith(TRASH_SUFFIX) || !isAlive(Number(name.split('-')[2]));
    return leftover ? 'garbage' : undefined;
  }
  if (!EXTRACTION_NAME.test(name) || context.kept.has(name) || leases.names.has(name)) {
    return undefined;
  }
  // a lease that could not be read may hold anything
  return leases.complete ? 'unused' : undefined;
}

/**
 * Renames unused extractions to trash names after announcing them in a sweep
 * intent and reading the leases again. A host leases a name, then reads the
 * intents; this writes the intent, then reads the leases: one of the two sees
 * the other, so a lease written after the first read is seen here (the name
 * is kept), or the host sees the intent and waits until this is done.
 *
 * @returns [name, trash path] of each extraction moved
 */
async function moveToTrash(
  unused: readonly string[],
  context: SweepContext,
): Promise<[string, string][]> {
  if (unused.length === 0) return [];
  const started = performance.now();
  try {
    await writeHeld(context.intentFile, unused);
    const leases = await readLiveLeases(context.dir, context.ownLease);
    if (!leases.complete) return [];
    const moved: [string, string][] = [];
    for (const name of unused) {
      if (leases.names.has(name) || context.isLeased(name)) continue;
      // hosts stop waiting on an intent at its TTL: a sweep that ran late stops first
      if (performance.now() - started > INTENT_TTL_MS / 2) break;
      const trash = context.trashPath(name);
      const renamed = await rename(join(context.dir, name), trash).then(
        () => true,
        () => false,
      );
      if (renamed) moved.push([name, trash]);
    }
    return moved;
  } catch (error) {
    debug('could not sweep %s: %s', context.dir, describeError(error));
    return [];
  } finally {
    await rm(context.intentFile, { force: true }).catch(() => undefined);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined);
  return stats?.isDirectory() === true;
}
