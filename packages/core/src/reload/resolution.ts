// What the schedule works with: how a name ends a scan, and what it waits for.
import type { UnloadReason } from '../events.js';
import type { PluginEntry, PluginFailure } from '../types.js';

/** The dependencies a plugin is loaded against, by name. */
export type ResolvedDependencies<T, M> = Readonly<Record<string, PluginEntry<T, M>>>;

/** How a name ends a scan: the entry that serves under it, or none. */
export interface Resolution<T, M> {
  /** The entry that serves: a new one, or the one that served before. */
  readonly entry: PluginEntry<T, M> | undefined;
  /** What went wrong, when something did (the entry may still be the last known good). */
  readonly failure?: PluginFailure | undefined;
  /** Why the entry that served stops serving, when it stops without a successor. */
  readonly reason?: UnloadReason;
}

/** One name in a scan: a plugin to load, or one that serves and is going or staying. */
export interface ScheduledNode<T, M> {
  /** The plugin's name. */
  readonly name: string;
  /** Its source, for messages. */
  readonly source: string;
  /** Its directory, for messages. */
  readonly dir: string;
  /** Required dependencies: plugin name to semver range. */
  readonly requires: Readonly<Record<string, string>>;
  /** Optional dependencies: plugin name to semver range. */
  readonly optional: Readonly<Record<string, string>>;
  /** How it ends without waiting for anything (a removed or disabled plugin). */
  readonly immediate?: Resolution<T, M>;
  /**
   * Ends it once its dependencies are known. `keepable()` tells whether the
   * entry that serves now may keep serving if this fails (every plugin it
   * was loaded against still serves the same version).
   */
  readonly settle?: (
    dependencies: ResolvedDependencies<T, M>,
    keepable: () => boolean,
  ) => Resolution<T, M> | Promise<Resolution<T, M>>;
}

/** One member of a publication: its name, how it ended, and what served before. */
export interface Publication<T, M> {
  /** The plugin's name. */
  readonly name: string;
  /** How it ended. */
  readonly resolution: Resolution<T, M>;
  /** The entry that served before this publication. */
  readonly previous: PluginEntry<T, M> | undefined;
}

/** Whether two sets of dependencies hold the very same entries under the same names. */
export function sameDependencies<T, M>(
  a: ResolvedDependencies<T, M>,
  b: ResolvedDependencies<T, M>,
): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && a[name] === b[name]);
}
