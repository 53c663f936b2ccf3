import { ERROR_CODES, LoadError, describeError } from '../errors.js';
import type { UnloadReason } from '../events.js';
import { toFailure } from './failures.js';
import { withLoadTimeout } from '../util/timeout.js';
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
 * The retired versions in the order to unload them: in waves, each plugin
 * in a wave before the plugins it was loaded against (Kahn's algorithm on
 * the `dependencies` between them), the members of a wave together.
 */
export function unloadWaves<T, M>(retired: readonly Retired<T, M>[]): Retired<T, M>[][] {
  const byEntry = new Map(retired.map((r) => [r.entry as object, r]));
  const dependents = new Map<object, number>();
  for (const { entry } of retired) {
    for (const dependency of Object.values(entry.dependencies)) {
      if (byEntry.has(dependency))
        dependents.set(dependency, (dependents.get(dependency) ?? 0) + 1);
    }
  }
  const waves: Retired<T, M>[][] = [];
  let wave = retired.filter((r) => !dependents.has(r.entry));
  let placed = 0;
  while (wave.length > 0) {
    waves.push(wave);
    placed += wave.length;
    const next: Retired<T, M>[] = [];
    for (const { entry } of wave) {
      for (const dependency of Object.values(entry.dependencies)) {
        const left = dependents.get(dependency);
        if (left === undefined) continue;
        dependents.set(dependency, left - 1);
        if (left === 1) next.push(byEntry.get(dependency) as Retired<T, M>);
      }
    }
    wave = next;
  }
  // published plugins never depend on each other in a cycle; should some, they go last, together
  if (placed < retired.length) {
    const seen = new Set(waves.flat());
    waves.push(retired.filter((r) => !seen.has(r)));
  }
  return waves;
}

/**
 * Runs `onUnload` for each retired version, dependents before what they
 * depend on ({@link unloadWaves}), then hands their directories to
 * `release` (which frees their CommonJS modules, now or with the other
 * retirements of a scan: one pass over `require.cache` for all of them),
 * then reports each one unloaded, in the order they unloaded.
 */
export async function retireEntries<T, M>(
  retired: readonly Retired<T, M>[],
  release: (dirs: readonly string[]) => void,
  options: Pick<ResolvedPluginHostOptions<T, M>, 'onUnload' | 'loadTimeoutMs'>,
  sink: { unloaded(entry: PluginEntry<T, M>, reason: UnloadReason): void },
): Promise<PluginFailure[]> {
  const failures: PluginFailure[] = [];
  const { onUnload, loadTimeoutMs } = options;
  const waves = unloadWaves(retired);
  for (const wave of waves) {
    await Promise.all(
      wave.map(async ({ entry }) => {
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
  }
  release(retired.map((r) => r.entry.dir));
  for (const { entry, reason } of waves.flat()) sink.unloaded(entry, reason);
  return failures;
}
