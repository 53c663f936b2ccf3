import { EventEmitter } from 'node:events';
import { checkPluginName } from './options/checks.js';
import type { PluginHostEvents, ReloadReason } from './events.js';
import { log } from './util/log.js';
import { enableSourceMaps } from './load/source-maps.js';
import {
  resolveHostOptions,
  type PluginHostOptions,
  type ResolvedPluginHostOptions,
} from './options.js';
import { Reloader } from './reload/reloader.js';
import { hostSink } from './reload/host-sink.js';
import { mentions, summary } from './reload/report.js';
import { emitSafely } from './util/emit-safely.js';
import { ScanQueue, hostClosedError } from './reload/scan-queue.js';
import { StrictScans } from './reload/strict.js';
import { startDev } from './dev/serve.js';
import type { DevEndpoint } from './dev/endpoint.js';
import { createFolderSources } from './sources/discovery.js';
import type {
  Manifest,
  PluginEntry,
  PluginFailure,
  PluginMeta,
  ReloadReport,
  SwitchReport,
} from './types.js';
import { logWatchFailure, watchHostFolder } from './watch-host.js';
import type { FolderWatcher } from './watch.js';

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
  readonly #strict: StrictScans;
  readonly #queue = new ScanQueue(
    (reason, only) => this.#scan(reason, only),
    () => this.#closed !== undefined,
  );
  #watcher: Promise<FolderWatcher> | undefined;
  /** The `augment dev` endpoint (`dev: true`), opened by the first scan. */
  #dev: Promise<DevEndpoint | undefined> | undefined;
  #closed: Promise<void> | undefined;

  /**
   * @param options - `folder` is required; see {@link PluginHostOptions}
   * @throws {OptionsError} `AUG_OPTIONS_INVALID` when an option is unknown or of the wrong type
   */
  constructor(options: PluginHostOptions<T, M>) {
    super();
    this.options = resolveHostOptions(options);
    this.#strict = new StrictScans(this.options.strict);
    const sink = hostSink<T, M>(this.options.logger, (name, payload) => {
      emitSafely(this, this.options.logger, name, [payload]);
    });
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
    return this.#strict.of(this.#queue.schedule('manual'));
  }

  /**
   * Reloads one plugin, as `augment dev` does after each build: its own
   * directory is read again and, when it changed, the plugin is reloaded,
   * together with the plugins loaded against it (as in a full reload). Every
   * other plugin stays as it is, even if its files changed (the next
   * `reload()` or the watcher picks those up). A name the last scan did not
   * find (a plugin just linked), found twice, or found in a `.zip` makes it
   * a full reload. Shares the one scan queue with `reload()`.
   *
   * @param name - the plugin's manifest `name`
   * @returns the report of the scan: `name` is in `added`, `updated`,
   *   `unchanged`, `kept` or `failed`, or nowhere when the folder lacks it
   * @throws {OptionsError} `AUG_OPTIONS_INVALID` when `name` is not a non-empty string
   * @throws {AugmentError} `AUG_HOST_CLOSED` after `close()`
   * @throws {StrictModeError} `AUG_STRICT_FAILED` with `strict: true` when the scan had failures
   */
  async reloadPlugin(name: string): Promise<ReloadReport> {
    checkPluginName('host.reloadPlugin()', name);
    return this.#strict.of(this.#queue.schedule('manual', name));
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
    if (this.#closed !== undefined) throw hostClosedError();
    this.#watcher ??= watchHostFolder(
      this.options,
      () => this.#queue.schedule('watch'),
      (error) => {
        this.#emit('watch:error', { error });
      },
    );
    await this.#watcher;
  }

  /**
   * Stops watching, waits for a running scan, closes the `augment dev`
   * endpoint (and removes its address file), and unloads every plugin
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
    await this.#queue.settled();
    await (await this.#dev)?.close();
    await this.#reloader.unloadAll();
    await this.#reloader.close();
  }

  async #switch(name: string, off: boolean): Promise<SwitchReport> {
    const method = off ? 'disable' : 'enable';
    checkPluginName(`host.${method}()`, name);
    if (this.#closed !== undefined) throw hostClosedError();
    const changed = this.#reloader.setDisabled(name, off);
    if (changed) this.#emit(off ? 'plugin:disabled' : 'plugin:enabled', { name });
    const report = await this.#queue.schedule(method);
    const found = mentions(report, name);
    return Object.freeze({ ...report, name, changed, found });
  }

  async #scan(reason: ReloadReason, only: ReadonlySet<string> | undefined): Promise<ReloadReport> {
    if (this.options.watch && this.#watcher === undefined) {
      await this.watch().catch(logWatchFailure(this.options));
    }
    this.#dev ??= this.options.dev
      ? startDev(this, (name) => this.#queue.schedule('dev', name))
      : undefined;
    await this.#dev;
    if (this.options.sourceMaps === true) enableSourceMaps('sourceMaps: true');
    this.#emit('reload:start', { reason });
    const report = await this.#reloader.scan(only);
    log(this.options.logger, 'info', summary(reason, report));
    this.#emit('reload:done', { report });
    return report;
  }

  #emit<K extends keyof PluginHostEvents<T, M>>(name: K, ...args: PluginHostEvents<T, M>[K]): void {
    emitSafely(this, this.options.logger, name, args);
  }
}
