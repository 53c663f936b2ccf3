import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { debug } from './util/log.js';
import { WATCH_DEPTH, isWatchIgnored } from './util/watch-filter.js';

/** A running folder watcher. */
export interface FolderWatcher {
  /** Stops watching; idempotent. */
  close(): Promise<void>;
}

/** What {@link watchFolder} needs. */
export interface WatchFolderOptions {
  /** The folder to watch: its direct children and each plugin's own files (see `docs/reload.md`). */
  readonly folder: string;
  /** Quiet time after the last change before `onChange` runs, in ms. */
  readonly debounceMs: number;
  /** Called once per burst of changes. */
  readonly onChange: () => void;
  /** Called when the watcher reports an error, with the watcher's own error. */
  readonly onError: (error: unknown) => void;
}

type Chokidar = typeof import('chokidar');
type Watcher = ReturnType<Chokidar['watch']>;

/**
 * Which directory sits at the folder's path: a deleted and re-created folder
 * is another one, even when the file system reuses its inode number (the
 * birth time tells them apart where the file system records it).
 */
interface FolderIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly birthtimeMs: number;
}

function identityOf(folder: string): FolderIdentity | undefined {
  try {
    const stats = statSync(folder);
    return stats.isDirectory()
      ? { dev: stats.dev, ino: stats.ino, birthtimeMs: stats.birthtimeMs }
      : undefined;
  } catch {
    return undefined;
  }
}

function isSame(a: FolderIdentity | undefined, b: FolderIdentity | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.birthtimeMs === b.birthtimeMs
  );
}

/** Whether a raw event's details come from the watch on `path` itself. */
/**
 * Whether a raw file-system event (chokidar's `raw`: the watched path and the
 * name it reported) is about something the scan looks at: inside the folder,
 * not below a dot-entry of the folder or any `node_modules`.
 */
function isRawChange(folder: string, name: unknown, details: unknown): boolean {
  const watched =
    typeof details === 'object' && details !== null
      ? (details as { watchedPath?: unknown }).watchedPath
      : undefined;
  if (typeof watched !== 'string') return false;
  const full = typeof name === 'string' && name !== '' ? join(watched, name) : watched;
  const rel = relative(folder, full);
  if (rel.startsWith('..') || isAbsolute(rel)) return false;
  const parts = rel.split(sep);
  const first = parts[0] ?? '';
  return !first.startsWith('.') && !parts.includes('node_modules');
}

function isWatchOf(details: unknown, path: string): boolean {
  return (
    typeof details === 'object' &&
    details !== null &&
    (details as { watchedPath?: unknown }).watchedPath === path
  );
}

/**
 * Resolves on the watcher's `ready`, or as soon as `stop` aborts (a closed
 * watcher never gets ready). Leaves no listener on `stop` behind.
 */
function ready(watcher: Watcher, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      stop.removeEventListener('abort', done);
      resolve();
    };
    stop.addEventListener('abort', done, { once: true });
    watcher.once('ready', done);
  });
}

/**
 * chokidar reports one `change` of a file per 50 ms and one removal of a path
 * per 100 ms: a second change of the same file within that window is not
 * reported at all (measured: a file broken, then touched 35 ms later, left the
 * host serving the broken state). This is that longest window, plus a margin
 * for the event's own delivery.
 */
const THROTTLE_WINDOW_MS = 150;

/**
 * Watches a folder with chokidar (loaded on first use, so hosts that never
 * watch never pay for it) and calls `onChange` once per burst of changes.
 * What is watched matches what the scan loads (see {@link isWatchIgnored}):
 * symlinked directories inside a plugin are not followed and the depth is
 * bounded, so a symlink loop cannot keep the watcher from getting ready.
 * A folder that does not exist yet is waited for: its parent is watched until
 * it appears. A folder that goes away (deleted, renamed) is waited for again,
 * and watched again once it is back. Resolves once the watcher is ready.
 */
export async function watchFolder(options: WatchFolderOptions): Promise<FolderWatcher> {
  const chokidar = await import('chokidar');
  const { folder, debounceMs, onChange, onError } = options;
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let trailing: NodeJS.Timeout | undefined;
  let current: Watcher | undefined;
  let switching: Promise<void> = Promise.resolve();
  let restarting = false;

  const fire = (): void => {
    if (!stop.signal.aborted) onChange();
  };
  const changed = (): void => {
    if (stop.signal.aborted) return;
    clearTimeout(timer);
    clearTimeout(trailing);
    timer = setTimeout(fire, debounceMs);
    // A change chokidar swallowed (see THROTTLE_WINDOW_MS) happened within the
    // window after an event it did report: a scan that starts after the window
    // sees it. A debounce that short gets one more scan once the window is over.
    trailing = debounceMs < THROTTLE_WINDOW_MS ? setTimeout(fire, THROTTLE_WINDOW_MS) : undefined;
  };

  const use = (watcher: Watcher): Promise<void> => {
    current = watcher;
    watcher.on('error', onError);
    if (stop.signal.aborted) void watcher.close();
    return ready(watcher, stop.signal);
  };

  // closes the current watcher, then watches the folder again (or waits for it); one switch at a time
  const restart = (): void => {
    if (stop.signal.aborted || restarting) return;
    debug('watch %s: it went away or was replaced; watching it again', folder);
    restarting = true;
    switching = switching
      .then(async () => {
        restarting = false;
        const old = current;
        current = undefined;
        await old?.close();
        if (stop.signal.aborted) return;
        await start();
        // reload once the new watcher is ready: what was written before, the scan sees; after, the watcher
        changed();
      })
      .catch(onError);
  };

  const watchItself = async (identity: FolderIdentity): Promise<void> => {
    const watcher = chokidar.watch(folder, {
      ignoreInitial: true,
      followSymlinks: true,
      depth: WATCH_DEPTH,
      ignored: (path: string, stats) => isWatchIgnored(folder, path, stats),
    });
    // every event checks that the folder is still the one watched (cheap: one stat)
    const check = (): void => {
      if (!isSame(identityOf(folder), identity)) restart();
    };
    watcher.on('all', () => {
      changed();
      check();
    });
    // a 'rename' of the folder's own name, seen by the folder's own watch, is the folder going away
    watcher.on('raw', (event, path, details) => {
      if (event === 'rename' && path === basename(folder) && isWatchOf(details, folder)) {
        restart();
        return;
      }
      check();
      // chokidar drops what it looks at too late (a plugin added and deleted
      // before it stats it) or within its throttle: the raw event still counts
      if (isRawChange(folder, path, details)) changed();
    });
    await use(watcher);
    if (!isSame(identityOf(folder), identity)) restart();
  };

  const waitForIt = async (): Promise<void> => {
    const parent = chokidar.watch(dirname(folder), {
      ignoreInitial: true,
      depth: 0,
      ignored: (path: string) => path !== dirname(folder) && basename(path) !== basename(folder),
    });
    parent.on('all', () => {
      if (identityOf(folder) !== undefined) restart();
    });
    await use(parent);
    // the folder may have appeared while the parent's watcher got ready
    if (identityOf(folder) !== undefined) restart();
  };

  const start = async (): Promise<void> => {
    const identity = identityOf(folder);
    debug('watch %s: %s', folder, identity === undefined ? 'waiting for it' : 'watching it');
    if (identity === undefined) await waitForIt();
    else await watchItself(identity);
  };

  await start();

  return {
    async close() {
      if (stop.signal.aborted) return;
      stop.abort();
      clearTimeout(timer);
      clearTimeout(trailing);
      await current?.close();
      await switching;
      await current?.close();
    },
  };
}
