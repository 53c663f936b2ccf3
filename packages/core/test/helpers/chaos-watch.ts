// Settling and checking a watching host in the chaos model test: which scan
// saw the final folder, and what the model allows once it is done.

import { lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import type { PluginHost } from '../../src/index.js';
import type { ChaosFolder } from './chaos-folder.js';
import type { EventLog } from './chaos-events.js';
import { mustResolve } from './chaos.js';
import { failureLabel } from './chaos-model.js';
import { exportStash } from './hostile-values.js';

/** For each scan: how many folder changes were complete when it started, and what the disk held. */
export interface ScanStarts extends Array<number> {
  /** The folder's files (path, size, mtime, inode) as each scan started. */
  readonly disk: string[];
}

/** Records, for each scan, how many folder changes were complete when it started. */
export function recordStarts(host: PluginHost, folder: ChaosFolder): ScanStarts {
  const starts = Object.assign([] as number[], { disk: [] as string[] });
  host.on('reload:start', () => {
    starts.push(folder.changes);
    starts.disk.push(diskSnapshot(folder.folder));
  });
  return starts;
}

/**
 * Every file and folder below `root` with its size, mtime and inode: what a
 * scan's fingerprints depend on. Two equal snapshots mean a scan of the one
 * sees what a scan of the other sees.
 */
export function diskSnapshot(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const stats = lstatSync(path);
        lines.push(`${rel}${name}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}`);
        if (stats.isDirectory()) walk(path, `${rel}${name}/`);
      } catch {
        // gone while walking: the next snapshot tells
      }
    }
  };
  walk(root, '');
  return lines.sort().join('\n');
}

/**
 * Waits (polling, up to `limitMs`) until a scan starts after the last change
 * of the folder: that scan sees the final folder. A burst that leaves the
 * disk as the last scan saw it (a plugin added and deleted again before the
 * watcher looked) needs no scan: the last scan is then the final one. Then
 * waits for it to end by
 * queueing a `reload()` behind it (the queue runs it once that scan settled,
 * resolved or not), and fails when that scan, or any earlier one, started and
 * never finished: its reload rejected.
 */
export async function waitForSettledScan(
  host: PluginHost,
  folder: ChaosFolder,
  log: EventLog,
  starts: ScanStarts,
  limitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  const finalScan = (): number => {
    const after = starts.findIndex((seen) => seen === folder.changes);
    if (after !== -1) return after;
    const last = starts.length - 1;
    return last >= 0 && starts.disk[last] === diskSnapshot(folder.folder) ? last : -1;
  };
  let final = finalScan();
  while (final === -1) {
    if (Date.now() > deadline) {
      throw new Error(
        `no scan started within ${limitMs} ms after the last change (${folder.changes}): the watcher missed it; scans started after ${starts.join(', ')} changes`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    final = finalScan();
  }
  await mustResolve(host.reload(), 'reload() queued behind a watch-triggered scan');
  const unfinished = log.scans.findIndex((scan, i) => i <= final && scan.done === undefined);
  if (unfinished !== -1) {
    throw new Error(
      `scan ${unfinished} (after ${starts[unfinished]} changes) started and never finished: its reload rejected`,
    );
  }
}

/**
 * What any history of scans must leave once a scan saw the final folder: a
 * good plugin serves its current version (its own export), a broken one has
 * its failure and serves nothing or an earlier good version of its own.
 */
export function checkSettled(host: PluginHost, folder: ChaosFolder): void {
  const stash = exportStash();
  const names = new Set<string>();
  const failures: string[] = [];
  for (const slot of folder.slots.values()) {
    names.add(slot.name);
    const entry = host.get(slot.name);
    const token = (entry?.plugin as { token?: string } | undefined)?.token;
    const { content } = slot;
    if (content.kind === 'good') {
      expect(entry, `${slot.name} serves`).toBeDefined();
      expect(entry?.manifest.version).toBe(content.version);
      expect(token, `${slot.name} serves its current version`).toBe(content.token);
      expect(basename(entry?.source ?? '')).toBe(slot.path);
      expect(entry?.plugin === stash.get(content.token), `${slot.name} is its own export`).toBe(
        true,
      );
      continue;
    }
    failures.push(`${slot.path} ${content.kind === 'broken' ? content.stage : 'manifest'}`);
    if (entry === undefined) continue;
    expect(slot.goodTokens.has(token ?? ''), `${slot.name} serves an earlier good version`).toBe(
      true,
    );
    if (content.kind === 'corrupt-manifest') expect(basename(entry.source)).toBe(slot.path);
  }
  for (const entry of host.getAll()) {
    expect(names.has(entry.manifest.name), `${entry.manifest.name} was removed`).toBe(true);
  }
  expect(host.getFailures().map(failureLabel).sort()).toEqual(failures.sort());
}

/** Every finished scan's events agree with its report. */
export function checkEventsAgree(log: EventLog): void {
  for (const scan of log.scans) {
    const report = scan.done;
    if (report === undefined) continue;
    expect(scan.loaded.map((e) => e.entry.manifest.name).sort()).toEqual(
      [...report.added, ...report.updated].sort(),
    );
    expect(scan.unloaded.map((e) => `${e.entry.manifest.name} ${e.reason}`).sort()).toEqual(
      [
        ...report.updated.map((n) => `${n} replaced`),
        ...report.removed.map((n) => `${n} removed`),
      ].sort(),
    );
  }
}
