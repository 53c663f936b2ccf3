import { compareStrings } from '../util/compare-strings.js';
import { dependencyMap } from './dependency-map.js';
import { stranded } from './dependency-failures.js';
import type { ScheduledNode } from './schedule.js';
import type { UnloadReason } from '../events.js';
import type { Manifest, PluginEntry } from '../types.js';

/** A plugin's name, where it is, and what it depends on, as the schedule sees it. */
export function nodeOf(
  manifest: Pick<Manifest<unknown>, 'name' | 'pluginDependencies' | 'optionalPluginDependencies'>,
  where: { readonly source: string; readonly dir: string },
): Omit<ScheduledNode<unknown, unknown>, 'settle' | 'immediate'> {
  return {
    name: manifest.name,
    source: where.source,
    dir: where.dir,
    requires: dependencyMap(manifest.pluginDependencies),
    optional: dependencyMap(manifest.optionalPluginDependencies),
  };
}

/** A name that stops (or never starts) serving this scan, without waiting for anything. */
export function offNode<T, M>(
  name: string,
  where: { readonly source: string; readonly dir: string },
  reason: UnloadReason,
): ScheduledNode<T, M> {
  return {
    name,
    source: where.source,
    dir: where.dir,
    requires: {},
    optional: {},
    immediate: { entry: undefined, reason },
  };
}

/**
 * A published plugin whose source could not be read this scan: it keeps
 * serving, unless a plugin it was loaded against changed, which it cannot
 * follow without its files.
 */
export function heldNode<T, M>(entry: PluginEntry<T, M>): ScheduledNode<T, M> {
  return {
    ...nodeOf(entry.manifest, entry),
    settle: (_dependencies, keepable) => {
      if (keepable()) return { entry };
      const changed = Object.keys(entry.dependencies).sort(compareStrings);
      return {
        entry: undefined,
        reason: 'dependency',
        failure: stranded(
          { name: entry.manifest.name, source: entry.source },
          changed,
          'its source cannot be read this time to reload it',
        ),
      };
    },
  };
}
