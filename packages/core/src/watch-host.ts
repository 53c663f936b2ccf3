import { AugmentError, ERROR_CODES, describeError } from './errors.js';
import type { ResolvedPluginHostOptions } from './options.js';
import { debug, log } from './util/log.js';
import { watchFolder, type FolderWatcher } from './watch.js';

/**
 * Watches a host's folder: each (debounced) change schedules a scan, and a
 * watcher error is logged (`error`) and passed on as `AUG_WATCH_FAILED`.
 *
 * @param options - the host's folder, debounce and logger
 * @param schedule - schedules a watch-triggered scan
 * @param failed - emits `watch:error`
 */
export function watchHostFolder(
  options: Pick<ResolvedPluginHostOptions, 'folder' | 'watchDebounceMs' | 'logger'>,
  schedule: () => Promise<unknown>,
  failed: (error: AugmentError) => void,
): Promise<FolderWatcher> {
  return watchFolder({
    folder: options.folder,
    debounceMs: options.watchDebounceMs,
    onChange: () => {
      schedule().catch((error: unknown) => {
        debug('watch-triggered reload failed: %s', describeError(error));
      });
    },
    onError: (cause) => {
      const error = new AugmentError(
        ERROR_CODES.WATCH_FAILED,
        `Watching ${options.folder} failed (${ERROR_CODES.WATCH_FAILED}): ${describeError(cause)}. Call reload() to pick up changes.`,
        { cause },
      );
      log(options.logger, 'error', error.message);
      failed(error);
    },
  });
}

/** Logs (`error`) why the first scan of a `watch: true` host could not start watching. */
export function logWatchFailure(
  options: Pick<ResolvedPluginHostOptions, 'folder' | 'logger'>,
): (error: unknown) => void {
  return (error) => {
    log(options.logger, 'error', `Could not watch ${options.folder}: ${describeError(error)}.`);
  };
}
