import { resolve } from 'node:path';
import type { ArchiveLimits } from './archive/limits.js';
import { ERROR_CODES, OptionsError } from './errors.js';
import {
  HOST_OPTIONS,
  type AnyOptionRule,
  type HostOptionKey,
  type ResolvedOptionValues,
} from './options/table.js';
import type { IntegrityOption } from './sources/archive/integrity.js';
import type { Logger, Manifest, PluginEntry, PluginMeta, Validator } from './types.js';

/**
 * Options of {@link PluginHost}. Only `folder` is required.
 *
 * @typeParam T - the host's plugin signature
 * @typeParam M - the shape of the manifests' `meta`
 */
export interface PluginHostOptions<T = unknown, M = PluginMeta> {
  /** The folder to scan: each child directory holding a `plugin.manifest.json` is a plugin. */
  folder: string;
  /**
   * Checks each plugin's export: a type guard `(plugin: unknown) => plugin is T`
   * or a Standard Schema (zod 4, valibot, arktype). Only decides pass or fail.
   * @default undefined (every export is accepted as `T`)
   */
  validator?: Validator<T> | undefined;
  /**
   * Checks each manifest's `meta`, same two forms as `validator`.
   * @default undefined
   */
  metaValidator?: Validator<M> | undefined;
  /**
   * The host's own version. When set, a plugin whose manifest has `engines.host`
   * must include it in that semver range.
   * @default undefined (engines.host is not checked)
   */
  hostVersion?: string | undefined;
  /**
   * Plugins to skip without importing them and without a failure: names, or a
   * predicate on the manifest.
   * @default undefined
   */
  ignore?: readonly string[] | ((manifest: Manifest) => boolean) | undefined;
  /**
   * Where failures go (`warn`; `error` for the folder itself), and reload summaries
   * (`info`) and discovery details (`debug`) when the logger has those methods.
   * A console-shaped object (`console`, pino, winston), or `false` for silence.
   * Everything is also sent to `NODE_DEBUG=augment`.
   * @default console's warn and error only
   */
  logger?: Logger | false | undefined;
  /**
   * Upper bound, in ms, on each asynchronous step of plugin code: import, validation,
   * `onLoad`, `onUnload`. `0` turns the limit off.
   * @default 10000
   */
  loadTimeoutMs?: number | undefined;
  /**
   * Start watching `folder` on the first `reload()` (same as calling `host.watch()`).
   * @default false
   */
  watch?: boolean | undefined;
  /**
   * Listen for `augment dev` from the first `reload()` on: the host opens a
   * local endpoint (a Unix socket in a private folder, a named pipe on
   * Windows), writes its address and a token to `<folder>/.augment-dev.json`
   * (mode 0600), and reloads just the plugin `augment dev` names after each
   * build, answering with the result. Only the same user can connect; no code
   * goes through it, only plugin names and answers. `close()` closes it. When
   * unset, the environment variable `AUGMENT_DEV` (`1`, `true` or `yes`)
   * turns it on, so a host needs no code change; `false` wins over it.
   * @default false, or true when `AUGMENT_DEV` is `1`, `true` or `yes`
   */
  dev?: boolean | undefined;
  /**
   * Quiet time, in ms, after the last file change before a watch-triggered reload.
   * @default 100
   */
  watchDebounceMs?: number | undefined;
  /**
   * Where `.zip` plugins are extracted: one folder per archive content hash.
   * @default `node_modules/.cache/augment/<hash of folder>` under the working
   * directory (so extracted plugins resolve the host's packages), or a folder
   * under the OS temp dir where there is no `node_modules`
   */
  cacheDir?: string | undefined;
  /**
   * Pins archives to their SHA-256: a map from archive file name (or plugin name)
   * to the digest (`sha256sum` line, hex, or `sha256-<base64>`), or a function
   * that decides. A mismatch is an `extract` failure, found before extracting.
   * @default undefined
   */
  integrity?: IntegrityOption | undefined;
  /**
   * Refuse every archive that `integrity` does not pin.
   * @default false
   */
  requireIntegrity?: boolean | undefined;
  /**
   * Limits for archives: `maxEntries` (10000), `maxBytes` uncompressed in total
   * (256 MiB), `maxRatio` of uncompressed to compressed size for entries above
   * 1 MiB (100).
   * @default { maxEntries: 10000, maxBytes: 268435456, maxRatio: 100 }
   */
  limits?: Partial<ArchiveLimits> | undefined;
  /**
   * Source maps for plugin stack traces, so that errors thrown inside a built
   * plugin show its TypeScript file and line. `'auto'` maps the frames of each
   * plugin whose entry has a `.map` file beside it, lazily: loading only notes
   * the map's path, and the map is read when a stack with a frame of that
   * plugin is first formatted (through an `Error.prepareStackTrace` that chains
   * to the one it found; Node's process-wide source maps stay off). `true`
   * turns on Node's process-wide source maps at the first reload (every module
   * mapped, at a price on every later import on Node 20 and 22); `false`
   * touches nothing.
   * @default 'auto'
   */
  sourceMaps?: boolean | 'auto' | undefined;
  /**
   * Makes `reload()` (and the first load of `watch: true`) reject with a
   * `StrictModeError` (`AUG_STRICT_FAILED`) listing every failure when a scan
   * has any, after publishing what did load: for a host that must not serve
   * half its plugins (a CI check, a production start).
   * @default false
   */
  strict?: boolean | undefined;
  /**
   * Plugin names switched off from the start, as `host.disable()` does: for a
   * host that keeps the set in its own settings (read it back from
   * `host.disabled`). Unlike `ignore`, `host.enable()` turns them back on.
   * @default []
   */
  disabled?: readonly string[] | undefined;
  /**
   * Runs after a plugin is imported and validated, before it is published. A throw
   * or rejection is a `load` failure (the old version keeps serving).
   * @default undefined
   */
  onLoad?: ((entry: PluginEntry<T, M>) => void | Promise<void>) | undefined;
  /**
   * Runs for the old version right after its successor is published, for a removed
   * plugin, and for every plugin on `close()`. A throw is an `unload` failure.
   * @default undefined
   */
  onUnload?: ((entry: PluginEntry<T, M>) => void | Promise<void>) | undefined;
}

/**
 * {@link PluginHostOptions} with every default applied: each option as given,
 * except those {@link ResolvedOptionValues} lists, which have their default
 * applied or their form normalised.
 */
export type ResolvedPluginHostOptions<T = unknown, M = PluginMeta> = {
  readonly [K in HostOptionKey]: K extends keyof ResolvedOptionValues
    ? ResolvedOptionValues[K]
    : PluginHostOptions<T, M>[K];
};

export type { HostOptionKey, ResolvedOptionValues } from './options/table.js';

const KNOWN_KEYS = Object.keys(HOST_OPTIONS) as HostOptionKey[];

function invalid(key: string, expected: string, value: unknown): OptionsError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return new OptionsError(
    ERROR_CODES.OPTIONS_INVALID,
    `PluginHost option "${key}" must be ${expected}, got ${shown}. Fix the options passed to new PluginHost().`,
  );
}

/**
 * Checks the options given to `new PluginHost()` and applies the defaults.
 *
 * @param options - the host's options
 * @returns a complete, frozen copy
 * @throws {OptionsError} `AUG_OPTIONS_INVALID` for an unknown key or a value of the wrong type
 */
export function resolveHostOptions<T, M>(
  options: PluginHostOptions<T, M>,
): ResolvedPluginHostOptions<T, M> {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'an object like { folder: "./plugins" }', options);
  }
  const record = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(HOST_OPTIONS, key)) {
      throw new OptionsError(
        ERROR_CODES.OPTIONS_INVALID,
        `Unknown PluginHost option "${key}". Known options: ${KNOWN_KEYS.join(', ')}.`,
      );
    }
  }
  for (const key of KNOWN_KEYS) {
    const { expected, check, required }: AnyOptionRule = HOST_OPTIONS[key];
    const value = record[key];
    if ((required === true || value !== undefined) && !check(value)) {
      throw invalid(key, expected, value);
    }
  }
  const folder = resolve(options.folder);
  const resolved: Record<string, unknown> = {};
  for (const key of KNOWN_KEYS) {
    const rule: AnyOptionRule = HOST_OPTIONS[key];
    resolved[key] =
      rule.resolve === undefined ? record[key] : rule.resolve(record[key] as never, folder);
  }
  return Object.freeze(resolved) as ResolvedPluginHostOptions<T, M>;
}
