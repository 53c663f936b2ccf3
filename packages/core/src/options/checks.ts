import semverValid from 'semver/functions/valid.js';
import { ERROR_CODES, OptionsError } from '../errors.js';
import { describeValue } from '../util/describe.js';
import { parseDigest } from '../util/digest.js';
import { MAX_TIMER_MS } from '../util/timeout.js';
import type { Logger, Manifest } from '../types.js';

/** The checks and conversions of the option table: each answers for a value that is given. */

/** A type guard function or a Standard Schema. */
export function isValidator(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const standard = (value as { '~standard'?: { validate?: unknown } })['~standard'];
  return typeof standard?.validate === 'function';
}

/** An object with `warn()` and `error()`. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const logger = value as Record<string, unknown>;
  return typeof logger.warn === 'function' && typeof logger.error === 'function';
}

const LIMIT_KEYS = new Set(['maxEntries', 'maxBytes', 'maxRatio']);

/** Some of the archive limits, each a positive number. */
export function isLimits(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(
    ([key, n]) => LIMIT_KEYS.has(key) && typeof n === 'number' && Number.isFinite(n) && n > 0,
  );
}

/** A number of milliseconds a Node timer supports, `0` included. */
export const isDuration = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS;

/** A non-empty string. */
export const isPath = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** A semantic version. */
export const isVersion = (value: unknown): boolean =>
  typeof value === 'string' && semverValid(value) !== null;

/** Plugin names or a predicate. */
export const isIgnore = (value: unknown): boolean =>
  typeof value === 'function' ||
  (Array.isArray(value) && value.every((n) => typeof n === 'string'));

/** Digests by name, or a function. */
export const isIntegrity = (value: unknown): boolean =>
  typeof value === 'function' ||
  (typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((d) => typeof d === 'string' && parseDigest(d) !== undefined));

/** The `ignore` option as one predicate. */
export function toIgnore(
  ignore: readonly string[] | ((manifest: Manifest) => boolean) | undefined,
): (manifest: Manifest) => boolean {
  if (ignore === undefined) return () => false;
  if (typeof ignore === 'function') return ignore;
  const names = new Set(ignore);
  return (manifest) => names.has(manifest.name);
}

/** console's warn and error: failures are shown, routine info and debug lines are not. */
export const DEFAULT_LOGGER: Logger = Object.freeze({
  warn: (message: string, ...rest: unknown[]) => {
    console.warn(message, ...rest);
  },
  error: (message: string, ...rest: unknown[]) => {
    console.error(message, ...rest);
  },
});

/**
 * Throws `AUG_OPTIONS_INVALID` unless `name` is a non-empty string.
 *
 * @param what - the method that was called, for the message
 */
export function checkPluginName(what: string, name: unknown): asserts name is string {
  if (typeof name === 'string' && name !== '') return;
  throw new OptionsError(
    ERROR_CODES.OPTIONS_INVALID,
    `${what} needs a plugin name (the manifest's "name", a non-empty string), got ${describeValue(name)}.`,
  );
}
