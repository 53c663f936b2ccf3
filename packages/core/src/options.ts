import { resolve } from 'node:path';
import semverValid from 'semver/functions/valid.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive/archive.js';
import { defaultCacheDir } from './sources/archive/cache-dir.js';
import { ERROR_CODES, OptionsError } from './errors.js';
import { parseDigest, type IntegrityOption } from './sources/archive/integrity.js';
import type { Logger, Manifest, PluginEntry, PluginMeta, Validator } from './types.js';
import { MAX_TIMER_MS } from './util/timeout.js';

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
   * Node's source-map support, so that errors thrown inside a built plugin show
   * its TypeScript file and line. `'auto'` turns it on (for the whole process)
   * before the first import of a plugin whose entry has a `.map` file beside it;
   * `true` turns it on at the first reload; `false` never touches it. It has a
   * price (imports and ES module reloads cost more with it on), which `'auto'`
   * spares hosts whose plugins ship no maps.
   * @default 'auto'
   */
  sourceMaps?: boolean | 'auto' | undefined;
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

/** {@link PluginHostOptions} with every default applied. */
export interface ResolvedPluginHostOptions<T = unknown, M = PluginMeta> {
  /** Absolute path of the plugin folder. */
  readonly folder: string;
  /** See {@link PluginHostOptions.validator}. */
  readonly validator: Validator<T> | undefined;
  /** See {@link PluginHostOptions.metaValidator}. */
  readonly metaValidator: Validator<M> | undefined;
  /** See {@link PluginHostOptions.hostVersion}. */
  readonly hostVersion: string | undefined;
  /** See {@link PluginHostOptions.ignore}. */
  readonly ignore: (manifest: Manifest) => boolean;
  /** See {@link PluginHostOptions.logger}. */
  readonly logger: Logger | false;
  /** See {@link PluginHostOptions.loadTimeoutMs}. */
  readonly loadTimeoutMs: number;
  /** See {@link PluginHostOptions.watch}. */
  readonly watch: boolean;
  /** See {@link PluginHostOptions.watchDebounceMs}. */
  readonly watchDebounceMs: number;
  /** See {@link PluginHostOptions.cacheDir}; absolute. */
  readonly cacheDir: string;
  /** See {@link PluginHostOptions.integrity}. */
  readonly integrity: IntegrityOption | undefined;
  /** See {@link PluginHostOptions.requireIntegrity}. */
  readonly requireIntegrity: boolean;
  /** See {@link PluginHostOptions.limits}; complete. */
  readonly limits: Readonly<ArchiveLimits>;
  /** See {@link PluginHostOptions.sourceMaps}. */
  readonly sourceMaps: boolean | 'auto';
  /** See {@link PluginHostOptions.onLoad}. */
  readonly onLoad: ((entry: PluginEntry<T, M>) => void | Promise<void>) | undefined;
  /** See {@link PluginHostOptions.onUnload}. */
  readonly onUnload: ((entry: PluginEntry<T, M>) => void | Promise<void>) | undefined;
}

const DEFAULTS = Object.freeze({
  loadTimeoutMs: 10_000,
  watch: false,
  watchDebounceMs: 100,
});

/** console's warn and error: failures are shown, routine info and debug lines are not. */
const DEFAULT_LOGGER: Logger = Object.freeze({
  warn: (message: string, ...rest: unknown[]) => {
    console.warn(message, ...rest);
  },
  error: (message: string, ...rest: unknown[]) => {
    console.error(message, ...rest);
  },
});

const KNOWN_KEYS = new Set([
  'folder',
  'validator',
  'metaValidator',
  'hostVersion',
  'ignore',
  'logger',
  'loadTimeoutMs',
  'watch',
  'watchDebounceMs',
  'onLoad',
  'onUnload',
  'cacheDir',
  'integrity',
  'requireIntegrity',
  'limits',
  'sourceMaps',
]);

function invalid(key: string, expected: string, value: unknown): OptionsError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return new OptionsError(
    ERROR_CODES.OPTIONS_INVALID,
    `PluginHost option "${key}" must be ${expected}, got ${shown}. Fix the options passed to new PluginHost().`,
  );
}

function isValidator(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const standard = (value as { '~standard'?: { validate?: unknown } })['~standard'];
  return typeof standard?.validate === 'function';
}

function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return typeof logger.warn === 'function' && typeof logger.error === 'function';
}

function optionalCheck(
  options: Record<string, unknown>,
  key: string,
  expected: string,
  ok: (value: unknown) => boolean,
): void {
  const value = options[key];
  if (value !== undefined && !ok(value)) throw invalid(key, expected, value);
}

const LIMIT_KEYS = new Set(['maxEntries', 'maxBytes', 'maxRatio']);

function isLimits(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(
    ([key, n]) => LIMIT_KEYS.has(key) && typeof n === 'number' && Number.isFinite(n) && n > 0,
  );
}

const isDuration = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS;

function toIgnore(ignore: PluginHostOptions['ignore']): (manifest: Manifest) => boolean {
  if (ignore === undefined) return () => false;
  if (typeof ignore === 'function') return ignore;
  const names = new Set(ignore);
  return (manifest) => names.has(manifest.name);
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
    if (!KNOWN_KEYS.has(key)) {
      throw new OptionsError(
        ERROR_CODES.OPTIONS_INVALID,
        `Unknown PluginHost option "${key}". Known options: ${[...KNOWN_KEYS].join(', ')}.`,
      );
    }
  }
  if (typeof options.folder !== 'string' || options.folder === '') {
    throw invalid('folder', 'a non-empty path string', options.folder);
  }
  optionalCheck(record, 'validator', 'a type guard function or a Standard Schema', isValidator);
  optionalCheck(record, 'metaValidator', 'a type guard function or a Standard Schema', isValidator);
  optionalCheck(
    record,
    'hostVersion',
    'a semantic version like "1.4.0"',
    (v) => typeof v === 'string' && semverValid(v) !== null,
  );
  optionalCheck(
    record,
    'ignore',
    'an array of plugin names or a predicate function',
    (v) => typeof v === 'function' || (Array.isArray(v) && v.every((n) => typeof n === 'string')),
  );
  optionalCheck(
    record,
    'logger',
    'false or an object with warn() and error()',
    (v) => v === false || isLogger(v),
  );
  optionalCheck(
    record,
    'loadTimeoutMs',
    'a number of milliseconds from 0 to 2147483647',
    isDuration,
  );
  optionalCheck(record, 'watch', 'a boolean', (v) => typeof v === 'boolean');
  optionalCheck(
    record,
    'watchDebounceMs',
    'a number of milliseconds from 0 to 2147483647',
    isDuration,
  );
  optionalCheck(
    record,
    'cacheDir',
    'a non-empty path string',
    (v) => typeof v === 'string' && v !== '',
  );
  optionalCheck(
    record,
    'integrity',
    'an object mapping archive or plugin names to SHA-256 digests (hex, a sha256sum line or sha256-<base64>), or a function',
    (v) =>
      typeof v === 'function' ||
      (typeof v === 'object' &&
        v !== null &&
        Object.values(v).every((d) => typeof d === 'string' && parseDigest(d) !== undefined)),
  );
  optionalCheck(record, 'requireIntegrity', 'a boolean', (v) => typeof v === 'boolean');
  optionalCheck(
    record,
    'limits',
    'an object { maxEntries?, maxBytes?, maxRatio? } of positive numbers',
    isLimits,
  );
  optionalCheck(
    record,
    'sourceMaps',
    "true, false or 'auto'",
    (v) => typeof v === 'boolean' || v === 'auto',
  );
  optionalCheck(record, 'onLoad', 'a function', (v) => typeof v === 'function');
  optionalCheck(record, 'onUnload', 'a function', (v) => typeof v === 'function');

  return Object.freeze({
    folder: resolve(options.folder),
    validator: options.validator,
    metaValidator: options.metaValidator,
    hostVersion: options.hostVersion,
    ignore: toIgnore(options.ignore),
    logger: options.logger ?? DEFAULT_LOGGER,
    loadTimeoutMs: options.loadTimeoutMs ?? DEFAULTS.loadTimeoutMs,
    watch: options.watch ?? DEFAULTS.watch,
    watchDebounceMs: options.watchDebounceMs ?? DEFAULTS.watchDebounceMs,
    cacheDir:
      options.cacheDir === undefined
        ? defaultCacheDir(resolve(options.folder))
        : resolve(options.cacheDir),
    integrity: options.integrity,
    requireIntegrity: options.requireIntegrity ?? false,
    limits: Object.freeze({ ...DEFAULT_ARCHIVE_LIMITS, ...options.limits }),
    sourceMaps: options.sourceMaps ?? 'auto',
    onLoad: options.onLoad,
    onUnload: options.onUnload,
  });
}
