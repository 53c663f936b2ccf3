import { resolve } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../archive/limits.js';
import type { PluginHostOptions } from '../options.js';
import { defaultCacheDir } from '../sources/archive/cache-dir.js';
import type { Logger, Manifest } from '../types.js';
import {
  DEFAULT_LOGGER,
  isDuration,
  isIgnore,
  isIntegrity,
  isLimits,
  isLogger,
  isPath,
  isValidator,
  isVersion,
  toIgnore,
} from './checks.js';

/** The name of an option of `new PluginHost()`. */
export type HostOptionKey = keyof PluginHostOptions;

/**
 * The options whose resolved value differs from the one given: a default
 * applied, a path made absolute, a form normalised. Every other option is
 * passed on as given.
 */
export interface ResolvedOptionValues {
  /** Absolute path of the plugin folder. */
  readonly folder: string;
  /** `ignore` as one predicate. */
  readonly ignore: (manifest: Manifest) => boolean;
  /** The logger, console's warn and error by default. */
  readonly logger: Logger | false;
  /** The load timeout. */
  readonly loadTimeoutMs: number;
  /** Whether to watch on the first reload. */
  readonly watch: boolean;
  /** Whether to listen for `augment dev` (the option, or `AUGMENT_DEV` when it is unset). */
  readonly dev: boolean;
  /** The watch debounce. */
  readonly watchDebounceMs: number;
  /** Absolute path of the archive cache. */
  readonly cacheDir: string;
  /** Whether every archive needs a pin. */
  readonly requireIntegrity: boolean;
  /** Every archive limit. */
  readonly limits: Readonly<ArchiveLimits>;
  /** Source-map support. */
  readonly sourceMaps: boolean | 'auto';
  /** Whether a scan with failures rejects. */
  readonly strict: boolean;
  /** The names switched off at construction, frozen. */
  readonly disabled: readonly string[];
}

/** One row of the table: what a valid value is, its check, and how it resolves. */
type OptionRule<K extends HostOptionKey> = {
  /** What a valid value is, for the error message. */
  readonly expected: string;
  /** Whether a given value is valid (asked of `undefined` only when `required`). */
  readonly check: (value: unknown) => boolean;
  /** The option must be given. */
  readonly required?: true;
} & (K extends keyof ResolvedOptionValues
  ? {
      /** The resolved value, default applied; `folder` is already absolute. */
      readonly resolve: (value: PluginHostOptions[K], folder: string) => ResolvedOptionValues[K];
    }
  : object);

/** Any row of the table, as the resolver walks them. */
export interface AnyOptionRule {
  /** What a valid value is. */
  readonly expected: string;
  /** Whether a value is valid. */
  readonly check: (value: unknown) => boolean;
  /** The option must be given. */
  readonly required?: true;
  /** The resolved value, when it is not the given one. */
  readonly resolve?: (value: never, folder: string) => unknown;
}

const DURATION = 'a number of milliseconds from 0 to 2147483647';
const VALIDATOR = 'a type guard function or a Standard Schema';
const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
const isFunction = (value: unknown): boolean => typeof value === 'function';

/** Whether the environment opts a host into `augment dev`: `AUGMENT_DEV` is `1`, `true` or `yes`. */
function devFromEnv(): boolean {
  const value = process.env['AUGMENT_DEV']?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/**
 * Every option of `new PluginHost()`, once: its check and its default, in the
 * order they are checked. The option types and their documentation are
 * {@link PluginHostOptions}; the resolved type is derived from both.
 */
export const HOST_OPTIONS: { readonly [K in HostOptionKey]-?: OptionRule<K> } = {
  folder: {
    expected: 'a non-empty path string',
    check: isPath,
    required: true,
    resolve: (_value, folder) => folder,
  },
  validator: { expected: VALIDATOR, check: isValidator },
  metaValidator: { expected: VALIDATOR, check: isValidator },
  hostVersion: { expected: 'a semantic version like "1.4.0"', check: isVersion },
  ignore: {
    expected: 'an array of plugin names or a predicate function',
    check: isIgnore,
    resolve: toIgnore,
  },
  logger: {
    expected: 'false or an object with warn() and error()',
    check: (v) => v === false || isLogger(v),
    resolve: (v) => v ?? DEFAULT_LOGGER,
  },
  loadTimeoutMs: { expected: DURATION, check: isDuration, resolve: (v) => v ?? 10_000 },
  watch: { expected: 'a boolean', check: isBoolean, resolve: (v) => v ?? false },
  dev: { expected: 'a boolean', check: isBoolean, resolve: (v) => v ?? devFromEnv() },
  watchDebounceMs: { expected: DURATION, check: isDuration, resolve: (v) => v ?? 100 },
  cacheDir: {
    expected: 'a non-empty path string',
    check: isPath,
    resolve: (v, folder) => (v === undefined ? defaultCacheDir(folder) : resolve(v)),
  },
  integrity: {
    expected:
      'an object mapping archive or plugin names to SHA-256 digests (hex, a sha256sum line or sha256-<base64>), or a function',
    check: isIntegrity,
  },
  requireIntegrity: { expected: 'a boolean', check: isBoolean, resolve: (v) => v ?? false },
  limits: {
    expected: 'an object { maxEntries?, maxBytes?, maxRatio? } of positive numbers',
    check: isLimits,
    resolve: (v) => Object.freeze({ ...DEFAULT_ARCHIVE_LIMITS, ...v }),
  },
  sourceMaps: {
    expected: "true, false or 'auto'",
    check: (v) => typeof v === 'boolean' || v === 'auto',
    resolve: (v) => v ?? 'auto',
  },
  strict: { expected: 'a boolean', check: isBoolean, resolve: (v) => v ?? false },
  disabled: {
    expected: 'an array of plugin names',
    check: (v) => Array.isArray(v) && v.every((name) => typeof name === 'string'),
    resolve: (v) => Object.freeze([...new Set(v ?? [])].sort()),
  },
  onLoad: { expected: 'a function', check: isFunction },
  onUnload: { expected: 'a function', check: isFunction },
};
