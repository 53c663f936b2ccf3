import { existsSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';

/** A running folder watcher. */
export interface FolderWatcher {
  /** Stops watching; idempotent. */
  close(): Promise<void>;
}

/** What {@link watchFolder} needs. */
export interface WatchFolderOptions {
  /** The folder to watch, recursively (skipping `node_modules` and dot-folders). */
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

function isIgnored(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  if (rel === '' || rel.startsWith('..')) return false;
  return rel.split(sep).some((part) => part === 'node_modules' || part.startsWith('.'));
}

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
      ignored: (path: string) => isIgnored(folder, path),
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
