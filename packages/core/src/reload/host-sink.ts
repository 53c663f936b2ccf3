import { log } from '../util/log.js';
import type { PluginHostEvents } from '../events.js';
import type { ReloadSink } from './reloader.js';
import type { Logger } from '../types.js';

/**
 * What a host does with what its reloader reports: logs each failure (the
 * folder's as an error, a plugin's as a warning) and emits it, emits loads
 * and unloads, and notes each entry that is not a plugin once, at debug level.
 *
 * @param logger - the host's logger
 * @param emit - emits one of the host's events
 */
export function hostSink<T, M>(
  logger: Logger | false,
  emit: (name: keyof PluginHostEvents<T, M>, payload: object) => void,
): ReloadSink<T, M> {
  const reportedSkips = new Set<string>();
  return {
    failed: (failure) => {
      log(logger, failure.stage === 'folder' ? 'error' : 'warn', failure.message);
      emit('plugin:failed', { failure });
    },
    loaded: (entry, previous) => {
      emit('plugin:loaded', { entry, previous });
    },
    unloaded: (entry, reason) => {
      emit('plugin:unloaded', { entry, reason });
    },
    skipped: (source) => {
      if (reportedSkips.has(source)) return;
      reportedSkips.add(source);
      log(logger, 'debug', `${source} has no plugin.manifest.json; not a plugin, skipped.`);
    },
  };
}
