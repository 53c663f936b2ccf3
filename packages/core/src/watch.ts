import { relative, sep } from 'node:path';

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

function isIgnored(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  if (rel === '') return false;
  return rel.split(sep).some((part) => part === 'node_modules' || part.startsWith('.'));
}

/**
 * Watches a folder with chokidar (loaded on first use, so hosts that never
 * watch never pay for it) and calls `onChange` once per burst of changes.
 * Resolves once the watcher is ready.
 */
export async function watchFolder(options: WatchFolderOptions): Promise<FolderWatcher> {
  const { watch } = await import('chokidar');
  const { folder, debounceMs, onChange, onError } = options;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watcher = watch(folder, {
    ignoreInitial: true,
    followSymlinks: true,
    ignored: (path: string) => isIgnored(folder, path),
  });
  watcher.on('all', () => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, debounceMs);
  });
  watcher.on('error', onError);
  await new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      resolve();
    }),
  );
  return {
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await watcher.close();
    },
  };
}
