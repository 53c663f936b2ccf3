import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { WATCH_DEPTH, isWatchIgnored } from './internal/watch-filter.js';

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
  /** Called when the watcher reports an error. */
  readonly onError: (error: unknown) => void;
}

type Chokidar = typeof import('chokidar');
type Watcher = ReturnType<Chokidar['watch']>;

function ready(watcher: Watcher): Promise<void> {
  return new Promise((resolve) => {
    watcher.once('ready', () => {
      resolve();
    });
  });
}

/**
 * Watches a folder with chokidar (loaded on first use, so hosts that never
 * watch never pay for it) and calls `onChange` once per burst of changes.
 * What is watched matches what the scan loads (see {@link isWatchIgnored}):
 * symlinked directories inside a plugin are not followed and the depth is
 * bounded, so a symlink loop cannot keep the watcher from getting ready.
 * A folder that does not exist yet is waited for: its parent is watched until
 * it appears. Resolves once the watcher is ready.
 */
export async function watchFolder(options: WatchFolderOptions): Promise<FolderWatcher> {
  const chokidar = await import('chokidar');
  const { folder, debounceMs, onChange, onError } = options;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let current: Watcher | undefined;

  const changed = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, debounceMs);
  };

  const watchItself = async (): Promise<void> => {
    const watcher = chokidar.watch(folder, {
      ignoreInitial: true,
      followSymlinks: true,
      depth: WATCH_DEPTH,
      ignored: (path: string, stats) => isWatchIgnored(folder, path, stats),
    });
    current = watcher;
    watcher.on('all', changed);
    watcher.on('error', onError);
    await ready(watcher);
  };

  if (existsSync(folder)) {
    await watchItself();
  } else {
    // wait for the folder to appear, then watch it and reload
    const parent = chokidar.watch(dirname(folder), {
      ignoreInitial: true,
      depth: 0,
      ignored: (path: string) => path !== dirname(folder) && basename(path) !== basename(folder),
    });
    current = parent;
    parent.on('error', onError);
    parent.on('addDir', (path: string) => {
      if (closed || path !== folder) return;
      void parent.close().then(watchItself).then(changed, onError);
    });
    await ready(parent);
  }

  return {
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await current?.close();
    },
  };
}
