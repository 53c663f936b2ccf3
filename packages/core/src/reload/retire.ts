import { ERROR_CODES, LoadError, describeError } from '../errors.js';
import type { UnloadReason } from '../events.js';
import { toFailure } from './failures.js';
import { withLoadTimeout } from '../util/timeout.js';
import { releaseModules } from '../load/loader.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import type { PluginEntry, PluginFailure } from '../types.js';

/** A plugin version that stops serving, and why. */
export interface Retired<T, M> {
  /** The version that stops serving. */
  readonly entry: PluginEntry<T, M>;
  /** Replaced, removed, or the host closed. */
  readonly reason: UnloadReason;
}

/**
 * Runs `onUnload` for each retired version, then frees their CommonJS
 * modules in one pass (except where a published plugin still loads from the
 * same directory), then reports each one unloaded.
 */
export async function retireEntries<T, M>(
  retired: readonly Retired<T, M>[],
  inUse: ReadonlySet<string>,
  options: Pick<ResolvedPluginHostOptions<T, M>, 'onUnload' | 'loadTimeoutMs'>,
  sink: { unloaded(entry: PluginEntry<T, M>, reason: UnloadReason): void },
): Promise<PluginFailure[]> {
  const failures: PluginFailure[] = [];
  const { onUnload, loadTimeoutMs } = options;
  await Promise.all(
    retired.map(async ({ entry }) => {
      if (onUnload !== undefined) {
        try {
          await withLoadTimeout(
            Promise.resolve().then(() => onUnload(entry)),
            loadTimeoutMs,
            {
              plugin: entry.manifest.name,
              what: 'onUnload',
              fix: 'Make disposal finish faster, or raise loadTimeoutMs.',
            },
          );
        } catch (error) {
          failures.push(
            toFailure(
              entry.source,
              entry.manifest.name,
              'unload',
              new LoadError(
                ERROR_CODES.UNLOAD_HOOK,
                `The host's onUnload hook failed for plugin "${entry.manifest.name}" (${entry.source}): ${describeError(error)}. The plugin was unloaded anyway; make onUnload handle this case.`,
                { plugin: entry.manifest.name, file: entry.source, cause: error },
              ),
            ),
          );
        }
      }
    }),
  );
  // one pass over require.cache for every directory, not one per plugin
  releaseModules(new Set(retired.map((r) => r.entry.dir).filter((dir) => !inUse.has(dir))));
  for (const { entry, reason } of retired) sink.unloaded(entry, reason);
  return failures;
}
