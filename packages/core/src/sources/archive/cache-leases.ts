// The files through which host processes sharing one archive cache agree on
// what may be removed: leases (what a process uses) and sweep intents (what a
// process is about to remove).
//
// Several host processes may share a cache directory (ArchiveCache). What one of them uses (a
// hit it is about to load, an extraction in progress, what it serves) is
// never removed by another, through two kinds of records written atomically
// (temporary file + rename, so a reader sees a whole old or new record):
//
// - a **lease** per host, `.leases/<pid>-<id>.json`, naming the extractions
//   it uses. A host adds a name and writes the lease (`ArchiveCache.claim`) before
//   it looks the extraction up, so before it loads from it; the lease is
//   replaced by what the host still uses at the end of each scan.
// - a **sweep intent**, `.sweeps/<pid>-<id>.json`, naming the extractions a
//   sweep is about to remove, written before the sweep reads the leases a
//   second time (`ArchiveCache.sweep`).
//
// Races, and why they are safe:
// - Host A claims extraction X while host B sweeps. A writes its lease, then
//   reads the intents; B writes its intent, then reads the leases. One of
//   them sees the other's record: B sees A's lease and keeps X, or A sees B's
//   intent and waits until B is done, then looks X up again (and extracts it
//   again if B removed it). A lease written after B's first read of the
//   leases is thus always seen before B removes anything.
// - B removes X by renaming it to a `.tmp-…-<pid>-….trash` name first (one
//   atomic step), then deleting that: a loader sees the whole extraction or
//   none.
// - A extracts into `.tmp-<hash>-<pid>-…` while B sweeps: B removes a
//   temporary folder only when its process (pid in the name) is dead.
// - A process is SIGKILLed between writing a temporary lease or intent and
//   renaming it: the `<pid>-<id>.json.<hex>.tmp` file is removed once that
//   pid is dead. A lease of a dead process goes too.
// - A pid reused after a SIGKILL makes a dead process's lease look live: its
//   extractions stay longer (safe). An intent only counts for 10 s
//   (`INTENT_TTL_MS`), so a reused pid delays nobody for longer.
// - A lease being replaced while another process reads it: the rename makes
//   the reader see the old record or the new one.
// - A lease that cannot be written (read-only or full cache) leaves a cache
//   hit unprotected; extracting then fails anyway (`AUG_ARCHIVE_WRITE`).
//
// Not covered: processes that judge pids in different pid namespaces
// (containers sharing a volume) or on different machines (a network file
// system), and hosts of core versions without this protocol.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode } from '../../util/fs.js';

/** The folder of the leases: `<pid>-<id>.json`, one per host. */
export const LEASES = '.leases';
/** The folder of the sweep intents: `<pid>-<id>.json`, while a host sweeps. */
export const SWEEPS = '.sweeps';
/**
 * How long a sweep intent counts. A sweeper stops renaming at half of it; a
 * host waiting on an intent older than this (its sweeper frozen, or its pid
 * reused after a crash) stops waiting.
 */
export const INTENT_TTL_MS = 10_000;

/** `<pid>-<id>.json`, and the `.<random>.tmp` file it is written through. */
const RECORD_NAME = /^(\d+)-[0-9a-f]+\.json(\.[0-9a-f]+\.tmp)?$/;
const POLL_MS = 10;

/** A lease or an intent: a process and the extraction names it holds. */
interface Held {
  readonly pid: number;
  readonly names: readonly string[];
}

/** What the live leases hold; `complete` is false when a live one could not be read. */
export interface LiveLeases {
  /** The extraction names they hold. */
  readonly names: Set<string>;
  /** False when a live lease could not be read. */
  readonly complete: boolean;
}

/** Whether a process lives. A reused pid counts as alive: that only keeps more. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Writes a lease or an intent atomically: a temporary sibling named after
 * this process, renamed over the file, so a reader sees the old record or the
 * new one. The temporary file is removed when the write fails (a full disk);
 * one left by a killed process is removed by {@link readLiveLeases}.
 */
export async function writeHeld(file: string, names: Iterable<string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify({ pid: process.pid, extractions: [...names] }));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * The extraction names held by the leases in `cacheDir` other than `own`.
 * Removes the leases of dead processes, those that cannot be parsed, and the
 * temporary lease files of dead processes (the pid is in their name). A
 * lease that cannot be read (an I/O error) makes the answer incomplete: the
 * caller must then remove nothing.
 */
export async function readLiveLeases(cacheDir: string, own: string): Promise<LiveLeases> {
  return readLive(join(cacheDir, LEASES), own, true);
}

/** The extraction names held by the sweep intents of live processes, younger than the TTL. */
export async function readLiveIntents(cacheDir: string): Promise<Set<string>> {
  return (await readLive(join(cacheDir, SWEEPS), '', false)).names;
}

/**
 * Waits while a live sweep intent names `name`: that sweeper read the leases
 * before this host's lease named it and may be renaming it away. Bounded by
 * {@link INTENT_TTL_MS}: a stale intent does not count.
 */
export async function waitForSweeps(cacheDir: string, name: string): Promise<void> {
  while ((await readLiveIntents(cacheDir)).has(name)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function readLive(folder: string, own: string, leases: boolean): Promise<LiveLeases> {
  const names = new Set<string>();
  let files: string[];
  try {
    files = await readdir(folder);
  } catch (error) {
    return { names, complete: errorCode(error) === 'ENOENT' };
  }
  let complete = true;
  for (const file of files) {
    if (file === own) continue;
    const path = join(folder, file);
    const named = RECORD_NAME.exec(file);
    const namedPid = named === null ? undefined : Number(named[1]);
    if (named?.[2] !== undefined) {
      // a temporary record of a process killed between its write and its rename
      if (!isAlive(namedPid ?? 0)) await rm(path, { force: true });
      continue;
    }
    if (!file.endsWith('.json')) continue;
    const held = await readHeld(path);
    if (held === 'gone') continue;
    if (held === 'unreadable') {
      // an I/O error (EMFILE, EACCES): what it holds is unknown
      if (namedPid === undefined || isAlive(namedPid)) complete = false;
      continue;
    }
    if (held === 'invalid') {
      // never written by a host: every host writes through a rename
      await rm(path, { force: true });
      continue;
    }
    if (!isAlive(held.pid)) {
      await rm(path, { force: true });
      continue;
    }
    if (!leases && !(await isFresh(path))) continue;
    for (const name of held.names) names.add(name);
  }
  return { names, complete };
}

async function readHeld(file: string): Promise<Held | 'gone' | 'unreadable' | 'invalid'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null) return 'invalid';
    const { pid, extractions } = data as { pid?: unknown; extractions?: unknown };
    if (typeof pid !== 'number' || !Array.isArray(extractions)) return 'invalid';
    return { pid, names: extractions.filter((e): e is string => typeof e === 'string') };
  } catch {
    return 'invalid';
  }
}

async function isFresh(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < INTENT_TTL_MS;
  } catch {
    return false;
  }
}
