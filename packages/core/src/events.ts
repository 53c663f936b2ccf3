import type { AugmentError } from './errors.js';
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
  'reload:start': [
    event: {
      /**
       * `'manual'` for a `reload()` or `reloadPlugin()` call, `'watch'` for a reload the
       * watcher triggered, `'enable'`/`'disable'` for those calls, `'dev'` for `augment dev`.
       */
      readonly reason: ReloadReason;
    },
  ];
  /** A scan ended and its registry is published. */
  'reload:done': [
    event: {
      /** What the scan did: the same object `reload()` resolves to. */
      readonly report: ReloadReport;
    },
  ];
  /** A plugin (new, or a new version) was published. `previous` is the version it replaced. */
  'plugin:loaded': [
    event: {
      /** The version now published. */
      readonly entry: PluginEntry<T, M>;
      /** The version it replaced; `undefined` for a plugin loaded for the first time. */
      readonly previous: PluginEntry<T, M> | undefined;
    },
  ];
  /** A plugin failed; when it was loaded before, its last known good version still serves. */
  'plugin:failed': [
    event: {
      /** What failed, at which stage, with its `AUG_…` code. */
      readonly failure: PluginFailure;
    },
  ];
  /** A plugin version stopped serving (replaced, removed, or the host closed). */
  'plugin:unloaded': [
    event: {
      /** The version that stopped serving (its `onUnload` has settled). */
      readonly entry: PluginEntry<T, M>;
      /**
       * Why it stopped: `'replaced'` (a new version serves), `'removed'` (its
       * source is gone or ignored), `'disabled'` (`host.disable()`),
       * `'dependency'` (a plugin it requires went away or failed) or `'closed'`.
       */
      readonly reason: UnloadReason;
    },
  ];
  /**
   * A plugin was switched off with `host.disable()`; it stays off across
   * reloads until `host.enable()`. Its unloading (if it was loaded) is
   * reported as `plugin:unloaded` with reason `'disabled'`.
   */
  'plugin:disabled': [
    event: {
      /** The plugin's name. */
      readonly name: string;
    },
  ];
  /** A plugin was switched back on with `host.enable()`; the scan that follows loads it. */
  'plugin:enabled': [
    event: {
      /** The plugin's name. */
      readonly name: string;
    },
  ];
  /** The file watcher reported an error; watching goes on where it can, and `reload()` keeps working. */
  'watch:error': [
    event: {
      /** `AUG_WATCH_FAILED`, with the watcher's own error as `cause`. */
      readonly error: AugmentError;
    },
  ];
  /**
   * The `augment dev` endpoint (`dev: true`) could not be opened or its
   * address file written; also logged (warn). The host serves on without it.
   */
  'dev:error': [
    event: {
      /** `AUG_DEV_LISTEN`, with the underlying error as `cause`. */
      readonly error: AugmentError;
    },
  ];
}

/**
 * Why a reload ran: an explicit `reload()` (or `reloadPlugin()`) call, the
 * file watcher, `host.enable()` / `host.disable()`, or `augment dev`.
 */
export type ReloadReason = 'manual' | 'watch' | 'enable' | 'disable' | 'dev';

/** Why a plugin version stopped serving. */
export type UnloadReason = 'replaced' | 'removed' | 'disabled' | 'dependency' | 'closed';
