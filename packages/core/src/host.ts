import { EventEmitter } from 'node:events';
import {
  AugmentError,
  ERROR_CODES,
  OptionsError,
  StrictModeError,
  describeError,
} from './errors.js';
import { describeValue } from './util/describe.js';
import type { PluginHostEvents, ReloadReason } from './events.js';
import { debug, log } from './util/log.js';
import { enableSourceMaps } from './load/source-maps.js';
import { isThenable, settle } from './util/thenable.js';
import {
  resolveHostOptions,
  type PluginHostOptions,
  type ResolvedPluginHostOptions,
} from './options.js';
import { Reloader, type ReloadSink } from './reload/reloader.js';
import { createFolderSources } from './sources/discovery.js';
import type {
  Manifest,
  PluginEntry,
  PluginFailure,
  PluginMeta,
  ReloadReport,
  SwitchReport,
} from './types.js';
import { watchFolder, type FolderWatcher } from './watch.js';

/**
 * Discovers, validates, loads and hot-reloads the plugins in one folder, and
 * keeps the good ones in a registry. Plugins are trusted and run in-process;
 * a broken plugin never crashes the host at discovery or load time: it becomes
 * a {@link PluginFailure} (see `getFailures()` and the `plugin:failed` event).
 * Calls into plugins go straight to their own exports: no proxy in between.
 *
 * @typeParam T - the plugin signature every plugin's export must have
 * @typeParam M - the shape of the manifests' `meta` (checked by `metaValidator`)
 *
 * @example
 * ```ts
 * import { PluginHost } from '@augment/core';
 *
 * interface Greeter { greet(name: string): string }
 * const isGreeter = (p: unknown): p is Greeter =>
 *   typeof (p as Greeter | null)?.greet === 'function';
 *
 * const host = new PluginHost<Greeter>({ folder: './plugins', validator: isGreeter });
 * const report = await host.reload();          // scan, load, validate, register
 * for (const { manifest, plugin } of host.getAll()) {
 *   console.log(manifest.name, plugin.greet('world'));
 * }
 * const greeter = host.find((m) => m.meta.type === 'greeter');
 * await host.close();
 * ```
 */
export class PluginHost<T = unknown, M = PluginMeta> extends EventEmitter<PluginHostEvents<T, M>> {
  /** The options with every default applied. */
  readonly options: ResolvedPluginHostOptions<T, M>;
  readonly #reloader: Reloader<T, M>;
  readonly #reportedSkips = new Set<string>();
  #running: Promise<ReloadReport> | undefined;
  /** The strict-mode promise of each scan's promise, so that calls sharing a scan share it. */
  readonly #strict = new WeakMap<Promise<ReloadReport>, Promise<ReloadReport>>();
  #queued: Promise<ReloadReport> | undefined;
  #watcher: Promise<FolderWatcher> | undefined;
  #closed: Promise<void> | undefined;

  /**
   * @param options - `folder` is required; see {@link PluginHostOptions}
   * @throws {OptionsError} `AUG_OPTIONS_INVALID` when an option is unknown or of the wrong type
   */
  constructor(options: PluginHostOptions<T, M>) {
    super();
    this.options = resolveHostOptions(options);
    const sink: ReloadSink<T, M> = {
      failed: (failure) => {
        log(this.options.logger, failure.stage === 'folder' ? 'error' : 'warn', failure.message);
        this.#emit('plugin:failed', { failure });
      },
      loaded: (entry, previous) => {
        this.#emit('plugin:loaded', { entry, previous });
      },
      unloaded: (entry, reason) => {
        this.#emit('plugin:unloaded', { entry, reason });
      },
      skipped: (source) => {
        if (this.#reportedSkips.has(source)) return;
        this.#reportedSkips.add(source);
        log(
          this.options.logger,
          'debug',
          `${source} has no plugin.manifest.json; not a plugin, skipped.`,
        );
      },
    };
    this.#reloader = new Reloader<T, M>(this.options, sink, createFolderSources(this.options));
  }

  /**
   * Scans the folder, then loads new and changed plugins in dependency order
   * and publishes each as soon as it is ready: one plugin that is slow to load
   * holds back only the plugins that depend on it. Each publication swaps the
   * registry in one step, and readers never see a plugin without the versions
   * it was loaded against: a new version is published together with the new
   * versions of the plugins that depend on it. Plugins whose files (and
   * dependencies) did not change are not imported again; a plugin whose new
   * version fails keeps its last known good version. Calls made while a scan
   * runs share one follow-up scan. Resolves once every plugin of the scan has
   * settled. Never rejects because of a plugin (failures are in the report),
   * unless the host is `strict`.
   *
   * @returns what changed: added, updated, removed, unchanged, kept, disabled, failed
   * @throws {AugmentError} `AUG_HOST_CLOSED` after `close()`
   * @throws {StrictModeError} `AUG_STRICT_FAILED` with `strict: true` when the scan had failures
   */
  reload(): Promise<ReloadReport> {
    const scan = this.#schedule('manual');
    if (!this.options.strict) return scan;
    // calls that share a scan share its promise, strict or not
    let strict = this.#strict.get(scan);
    if (strict === undefined) {
      strict = scan.then((report) => {
        if (report.failed.length > 0) throw new StrictModeError(report);
        return report;
      });
      this.#strict.set(scan, strict);
    }
    return strict;
  }

  /**
   * Switches a plugin off: it is unloaded (its `onUnload` runs, and the
   * plugins that require it follow, reported as `AUG_DEPENDENCY_DISABLED`)
   * and stays off across reloads and watch events until
   * {@link PluginHost.enable}. A name that is not loaded (or not in the
   * folder at all) is recorded all the same, and stays off when it appears.
   * Emits `plugin:disabled` when the set changes.
   *
   * @param name - the plugin's manifest `name`
   * @returns the report of the scan that applied the change, with `changed`
   *   (whether the name was on before) and `found` (whether the folder has it)
   * @throws {OptionsError} `AUG_OPTIONS_INVALID` when `name` is not a non-empty string
   * @throws {AugmentError} `AUG_HOST_CLOSED` after `close()`
   */
  disable(name: string): Promise<SwitchReport> {
    return this.#switch(name, true);
  }

  /**
   * Switches a plugin back on (see {@link PluginHost.disable}): the scan that
   * follows loads it, and the plugins that require it come back with it.
   * Emits `plugin:enabled` when the set changes. A name that is not disabled
   * changes nothing (`changed: false`); one the folder does not have reports
   * `found: false`.
   *
   * @param name - the plugin's manifest `name`
   * @returns the report of the scan that applied the change
   * @throws {OptionsError} `AUG_OPTIONS_INVALID` when `name` is not a non-empty string
   * @throws {AugmentError} `AUG_HOST_CLOSED` after `close()`
   */
  enable(name: string): Promise<SwitchReport> {
    return this.#switch(name, false);
  }

  /**
   * The names switched off (by {@link PluginHost.disable} or the `disabled`
   * option), sorted, in a new array: store it in the host's settings and
   * give it back as `disabled` at the next start.
   */
  get disabled(): string[] {
    return this.#reloader.disabled;
  }

  /**
   * Every loaded plugin with its manifest, sorted by name, in a new array
   * that belongs to the caller: sort it, filter it or truncate it, and no
   * other caller (nor `get()`/`find()`) sees the change. A snapshot: a later
   * reload publishes new entries and leaves this array as it is. The entries
   * themselves are frozen and shared.
   *
   * @example
   * ```ts
   * const byPriority = host.getAll().sort((a, b) => b.manifest.meta.priority - a.manifest.meta.priority);
   * ```
   */
  getAll(): PluginEntry<T, M>[] {
    return this.#reloader.registry.all();
  }

  /**
   * The first plugin (in name order) whose manifest matches the predicate.
   *
   * @param predicate - tested against each manifest
   */
  find(predicate: (manifest: Manifest<M>) => boolean): T | undefined {
    return this.#reloader.registry.find(predicate);
  }

  /**
   * The entry of the plugin with this name, if it is loaded.
   *
   * @param name - the manifest's `name`
   */
  get(name: string): PluginEntry<T, M> | undefined {
    return this.#reloader.registry.get(name);
  }

  /**
   * The failures that stand after the last scan: each plugin (or the folder)
   * that could not be loaded, until its files change and it loads, and each
   * `onUnload` hook that failed when its plugin was unloaded (stage `unload`).
   */
  getFailures(): readonly PluginFailure[] {
    return this.#reloader.failures;
  }

  /**
   * Reloads by itself whenever anything under the folder changes, debounced
   * (`watchDebounceMs`). Resolves once the watcher is ready. Idempotent.
   * A folder that goes away is waited for and watched again once back; a
   * watcher error is logged and emitted as `watch:error` (`AUG_WATCH_FAILED`).
   *
   * @throws {AugmentError} `AUG_HOST_CLOSED` after `close()`
   */
  async watch(): Promise<void> {
    if (this.#closed !== undefined) throw closedError();
    this.#watcher ??= watchFolder({
      folder: this.options.folder,
      debounceMs: this.options.watchDebounceMs,
      onChange: () => {
        this.#schedule('watch').catch((error: unknown) => {
          debug('watch-triggered reload failed: %s', describeError(error));
        });
      },
      onError: (cause) => {
        const error = new AugmentError(
          ERROR_CODES.WATCH_FAILED,
          `Watching ${this.options.folder} failed (${ERROR_CODES.WATCH_FAILED}): ${describeError(cause)}. Call reload() to pick up changes.`,
          { cause },
        );
        log(this.options.logger, 'error', error.message);
        this.#emit('watch:error', { error });
      },
    });
    await this.#watcher;
  }

  /**
   * Stops watching, waits for a running scan, and unloads every plugin
   * (`onUnload` runs for each). Removes this host's lease on the archive
   * cache and keeps the extractions, so the next start reuses them.
   * Idempotent; afterwards `reload()` rejects.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  /** Same as {@link PluginHost.close}, for `await using host = new PluginHost(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (watcher !== undefined) await (await watcher.catch(() => undefined))?.close();
    await this.#queued?.catch(() => undefined);
    await this.#running?.catch(() => undefined);
    await this.#reloader.unloadAll();
    await this.#reloader.close();
  }

  async #switch(name: string, off: boolean): Promise<SwitchReport> {
    const method = off ? 'disable' : 'enable';
    if (typeof name !== 'string' || name === '') {
      throw new OptionsError(
        ERROR_CODES.OPTIONS_INVALID,
        `host.${method}() needs a plugin name (the manifest's "name", a non-empty string), got ${describeValue(name)}.`,
      );
    }
    if (this.#closed !== undefined) throw closedError();
    const changed = this.#reloader.setDisabled(name, off);
    if (changed) this.#emit(off ? 'plugin:disabled' : 'plugin:enabled', { name });
    const report = await this.#schedule(method);
    const found =
      [
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.kept,
        report.disabled,
      ].some((names) => names.includes(name)) ||
      report.failed.some((failure) => failure.name === name);
    return Object.freeze({ ...report, name, changed, found });
  }

  #schedule(reason: ReloadReason): Promise<ReloadReport> {
    if (this.#closed !== undefined) return Promise.reject(closedError());
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running === undefined) return this.#start(reason);
    this.#queued = this.#running.then(
      () => this.#afterQueue(reason),
      () => this.#afterQueue(reason),
    );
    return this.#queued;
  }

  #afterQueue(reason: ReloadReason): Promise<ReloadReport> {
    this.#queued = undefined;
    if (this.#closed !== undefined) return Promise.reject(closedError());
    return this.#start(reason);
  }

  #start(reason: ReloadReason): Promise<ReloadReport> {
    const run = this.#scan(reason).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #scan(reason: ReloadReason): Promise<ReloadReport> {
    if (this.options.watch && this.#watcher === undefined) {
      await this.watch().catch((error: unknown) => {
        log(
          this.options.logger,
          'error',
          `Could not watch ${this.options.folder}: ${describeError(error)}.`,
        );
      });
    }
    if (this.options.sourceMaps === true) enableSourceMaps('sourceMaps: true');
    this.#emit('reload:start', { reason });
    const report = await this.#reloader.scan();
    log(
      this.options.logger,
      'info',
      `reload (${reason}) in ${report.durationMs.toFixed(1)} ms: ${report.added.length} added, ${report.updated.length} updated, ${report.removed.length} removed, ${report.unchanged.length} unchanged, ${report.kept.length} kept, ${report.failed.length} failed`,
    );
    this.#emit('reload:done', { report });
    return report;
  }

  /**
   * Calls each listener in turn; a throwing listener is logged and cannot
   * abort a reload. A listener may throw or reject with any value, and return
   * any thenable (of any realm): its rejection is logged, never awaited.
   */
  #emit<K extends keyof PluginHostEvents<T, M>>(name: K, ...args: PluginHostEvents<T, M>[K]): void {
    for (const listener of this.rawListeners(name) as ((...a: unknown[]) => unknown)[]) {
      const report = (error: unknown): void => {
        log(
          this.options.logger,
          'error',
          `A "${name}" listener threw: ${describeError(error)}. Listeners must not throw; the reload went on.`,
        );
      };
      try {
        const result: unknown = listener.apply(this, args);
        if (isThenable(result)) settle(result).catch(report);
      } catch (error) {
        report(error);
      }
    }
  }
}

function closedError(): AugmentError {
  return new AugmentError(
    ERROR_CODES.HOST_CLOSED,
    'This PluginHost is closed. Create a new PluginHost to load plugins again.',
  );
}
