import type { PluginEntry, PluginFailure, PluginMeta, ReloadReport } from './types.js';

/**
 * The events of {@link PluginHost}, each with one payload object. Listeners run
 * synchronously; one that throws is logged and cannot abort a reload.
 *
 * @typeParam T - the host's plugin signature
 * @typeParam M - the shape of the manifests' `meta`
 */
export interface PluginHostEvents<T = unknown, M = PluginMeta> {
  /** A scan begins. */
  'reload:start': [event: { readonly reason: ReloadReason }];
  /** A scan ended and its registry is published. */
  'reload:done': [event: { readonly report: ReloadReport }];
  /** A plugin (new, or a new version) was published. `previous` is the version it replaced. */
  'plugin:loaded': [
    event: { readonly entry: PluginEntry<T, M>; readonly previous: PluginEntry<T, M> | undefined },
  ];
  /** A plugin failed; when it was loaded before, its last known good version still serves. */
  'plugin:failed': [event: { readonly failure: PluginFailure }];
  /** A plugin version stopped serving (replaced, removed, or the host closed). */
  'plugin:unloaded': [event: { readonly entry: PluginEntry<T, M>; readonly reason: UnloadReason }];
}

/** Why a reload ran: an explicit `reload()` call, or the file watcher. */
export type ReloadReason = 'manual' | 'watch';

/** Why a plugin version stopped serving. */
export type UnloadReason = 'replaced' | 'removed' | 'closed';
