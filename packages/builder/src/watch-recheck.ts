import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/**
 * How long after a change event a file is looked at again, in ms. chokidar
 * drops every further `change` of a path for 50 ms after it reports one (its
 * per-path throttle), so a save that quickly follows another (format-on-save,
 * an editor writing twice) gets no event. The re-check timer is started after
 * chokidar's own 50 ms timer and with a longer delay, so it always runs after
 * that window has closed: any write before it is on disk, any write after it
 * gets an event again.
 */
export const RECHECK_MS = 150;

/** What a file holds, for comparison: a content hash, `dir` or `missing`. */
async function fingerprint(path: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) return 'dir';
    return createHash('sha1')
      .update(await readFile(path))
      .digest('base64');
  } catch {
    return 'missing';
  }
}

/** Looks again at changed files once chokidar's throttle window has closed; see {@link createRecheck}. */
export interface Recheck {
  /** Schedules (or postpones) a re-check of `path`: call it for every change event. */
  schedule(path: string): void;
  /**
   * Records what the files awaiting a re-check hold now: call it just before
   * a build reads them. A re-check compares against this.
   */
  snapshot(): Promise<void>;
  /** Cancels the re-checks to come; idempotent. */
  close(): void;
}

/**
 * Makes the safety net of the watcher against lost saves: {@link RECHECK_MS}
 * after the last change event of a file, it compares what the file holds with
 * what it held when the last build started, and calls `stale(path)` if they
 * differ (a write whose event was dropped). A path that `isPending(path)`
 * reports as still waiting for a build is skipped: that build starts later,
 * after the window closed, and reads the file as it is.
 */
export function createRecheck(
  isPending: (path: string) => boolean,
  stale: (path: string) => void,
  delayMs = RECHECK_MS,
): Recheck {
  const timers = new Map<string, NodeJS.Timeout>();
  /** What each file awaiting a re-check held when the last build that read it started. */
  const seen = new Map<string, string>();
  let closed = false;

  const recheck = async (path: string): Promise<void> => {
    timers.delete(path);
    if (closed || isPending(path)) return;
    const before = seen.get(path);
    const now = await fingerprint(path);
    // a newer event rescheduled it meanwhile: that re-check decides
    if (closed || timers.has(path)) return;
    seen.delete(path);
    if (before !== now) stale(path);
  };

  return {
    schedule(path) {
      if (closed) return;
      const timer = timers.get(path);
      if (timer !== undefined) clearTimeout(timer);
      timers.set(
        path,
        setTimeout(() => void recheck(path), delayMs),
      );
    },
    async snapshot() {
      const prints = await Promise.all(
        [...timers.keys()].map(async (path) => [path, await fingerprint(path)] as const),
      );
      for (const [path, print] of prints) seen.set(path, print);
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      seen.clear();
    },
  };
}
