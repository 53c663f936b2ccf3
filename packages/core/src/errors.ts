import type { FailureStage, PluginFailure, ReloadReport } from './types.js';
import { describeValue } from './util/describe.js';
import { markOwnError } from './util/own-errors.js';

/**
 * Every error code Augment can report, in one place. A shipped code never
 * changes meaning; `docs/errors.md` has a section (cause and fix) for each.
 */
export const ERROR_CODES = {
  /** The host passed an unknown or ill-typed option to `new PluginHost()`. */
  OPTIONS_INVALID: 'AUG_OPTIONS_INVALID',
  /** The plugin folder does not exist or is not a directory. */
  FOLDER_MISSING: 'AUG_FOLDER_MISSING',
  /** The plugin folder exists but could not be listed. */
  FOLDER_UNREADABLE: 'AUG_FOLDER_UNREADABLE',
  /** `plugin.manifest.json` could not be read. */
  MANIFEST_UNREADABLE: 'AUG_MANIFEST_UNREADABLE',
  /** `plugin.manifest.json` is not valid JSON. */
  MANIFEST_PARSE: 'AUG_MANIFEST_PARSE',
  /** `plugin.manifest.json` breaks one or more schema rules. */
  MANIFEST_INVALID: 'AUG_MANIFEST_INVALID',
  /** The manifest's `entryPoint` file does not exist. */
  ENTRY_MISSING: 'AUG_ENTRY_MISSING',
  /** The manifest's `entryPoint` resolves (on its real path) outside the plugin directory. */
  ENTRY_OUTSIDE: 'AUG_ENTRY_OUTSIDE',
  /** The manifest's `engines.host` range does not include the host's version. */
  ENGINES_MISMATCH: 'AUG_ENGINES_MISMATCH',
  /** Another plugin with the same name won the conflict rule. */
  CONFLICT_DUPLICATE: 'AUG_CONFLICT_DUPLICATE',
  /** The entry point threw (or failed to parse) while being imported. */
  LOAD_IMPORT: 'AUG_LOAD_IMPORT',
  /** Importing, validating or a lifecycle hook did not settle within `loadTimeoutMs`. */
  LOAD_TIMEOUT: 'AUG_LOAD_TIMEOUT',
  /** The host's `onLoad` hook threw or rejected. */
  LOAD_HOOK: 'AUG_LOAD_HOOK',
  /** The host's `onUnload` hook threw or rejected. */
  UNLOAD_HOOK: 'AUG_UNLOAD_HOOK',
  /** The plugin's export did not pass the host's `validator`. */
  VALIDATE_REJECTED: 'AUG_VALIDATE_REJECTED',
  /** The plugin's `meta` did not pass the host's `metaValidator`. */
  VALIDATE_META: 'AUG_VALIDATE_META',
  /** The host's `validator` or `metaValidator` itself threw. */
  VALIDATE_THREW: 'AUG_VALIDATE_THREW',
  /** `reload()` or `watch()` was called after `close()`. */
  HOST_CLOSED: 'AUG_HOST_CLOSED',
  /** The file watcher reported an error. */
  WATCH_FAILED: 'AUG_WATCH_FAILED',
  /** A plugin archive is not a well-formed zip (corrupt, truncated, empty, inconsistent headers). */
  ARCHIVE_INVALID: 'AUG_ARCHIVE_INVALID',
  /** A plugin archive could not be opened or read (missing, permissions). */
  ARCHIVE_UNREADABLE: 'AUG_ARCHIVE_UNREADABLE',
  /** An archive entry's name is unsafe or not portable (`..`, absolute, drive, device name...). */
  ARCHIVE_UNSAFE_NAME: 'AUG_ARCHIVE_UNSAFE_NAME',
  /** Two archive entries would land on the same path (duplicate, case, Unicode form, file vs directory). */
  ARCHIVE_COLLISION: 'AUG_ARCHIVE_COLLISION',
  /** An archive entry is a symlink or special file, is encrypted, or uses an unsupported compression method. */
  ARCHIVE_UNSUPPORTED_ENTRY: 'AUG_ARCHIVE_UNSUPPORTED_ENTRY',
  /** An archive exceeds the entry count, total size or compression ratio limit. */
  ARCHIVE_LIMIT: 'AUG_ARCHIVE_LIMIT',
  /** An archive entry's data does not match its headers (CRC, size) or does not inflate. */
  ARCHIVE_CORRUPT_DATA: 'AUG_ARCHIVE_CORRUPT_DATA',
  /** An archive has no `plugin.manifest.json` at its root or in its single top-level folder. */
  ARCHIVE_NO_MANIFEST: 'AUG_ARCHIVE_NO_MANIFEST',
  /** The extraction target already exists or could not be written. */
  ARCHIVE_WRITE: 'AUG_ARCHIVE_WRITE',
  /** The archive's SHA-256 does not match the host's pin, or a required pin is missing. */
  ARCHIVE_INTEGRITY: 'AUG_ARCHIVE_INTEGRITY',
  /** A plugin named in `pluginDependencies` is not in the folder (or is ignored). */
  DEPENDENCY_MISSING: 'AUG_DEPENDENCY_MISSING',
  /** A required plugin's version is outside the range in `pluginDependencies`. */
  DEPENDENCY_VERSION: 'AUG_DEPENDENCY_VERSION',
  /** A required plugin failed to load (its own failure is the `cause`). */
  DEPENDENCY_FAILED: 'AUG_DEPENDENCY_FAILED',
  /** A required plugin is switched off with `host.disable()`. */
  DEPENDENCY_DISABLED: 'AUG_DEPENDENCY_DISABLED',
  /** Plugins depend on each other in a cycle; none of them is loaded. */
  DEPENDENCY_CYCLE: 'AUG_DEPENDENCY_CYCLE',
  /** `strict: true` and a scan had failures: `reload()` rejects with every one of them. */
  STRICT_FAILED: 'AUG_STRICT_FAILED',
  /** A host with `dev: true` could not open its `augment dev` endpoint or write its address file. */
  DEV_LISTEN: 'AUG_DEV_LISTEN',
  /** An `augment dev` request carried a wrong token (answered on the wire, then the connection is closed). */
  DEV_FORBIDDEN: 'AUG_DEV_FORBIDDEN',
  /** An `augment dev` request of an unknown `type` or `protocol` version (answered on the wire). */
  DEV_PROTOCOL: 'AUG_DEV_PROTOCOL',
  /** `augment dev` named a plugin that is not in the host's folder (answered on the wire). */
  DEV_NOT_FOUND: 'AUG_DEV_NOT_FOUND',
  /** `augment dev` named a plugin the host has switched off with `host.disable()` (answered on the wire). */
  DEV_DISABLED: 'AUG_DEV_DISABLED',
} as const;

/** One of the stable `AUG_…` codes listed in {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * The stage a failure with each code is reported at: the one place that maps
 * a code to its {@link FailureStage}. `undefined` marks a code that is never
 * a plugin failure: it is thrown to the host (`AUG_OPTIONS_INVALID`,
 * `AUG_HOST_CLOSED`), emitted as `watch:error` (`AUG_WATCH_FAILED`) or
 * `dev:error` (`AUG_DEV_LISTEN`), or answered to `augment dev` (`AUG_DEV_…`).
 * A timeout is the `timeout` stage wherever it happened.
 */
export const ERROR_STAGES: { readonly [C in ErrorCode]: FailureStage | undefined } = Object.freeze({
  AUG_OPTIONS_INVALID: undefined,
  AUG_FOLDER_MISSING: 'folder',
  AUG_FOLDER_UNREADABLE: 'folder',
  AUG_MANIFEST_UNREADABLE: 'manifest',
  AUG_MANIFEST_PARSE: 'manifest',
  AUG_MANIFEST_INVALID: 'manifest',
  AUG_ENTRY_MISSING: 'manifest',
  AUG_ENTRY_OUTSIDE: 'manifest',
  AUG_ENGINES_MISMATCH: 'engines',
  AUG_CONFLICT_DUPLICATE: 'conflict',
  AUG_LOAD_IMPORT: 'import',
  AUG_LOAD_TIMEOUT: 'timeout',
  AUG_LOAD_HOOK: 'load',
  AUG_UNLOAD_HOOK: 'unload',
  AUG_VALIDATE_REJECTED: 'validate',
  AUG_VALIDATE_META: 'validate',
  AUG_VALIDATE_THREW: 'validate',
  AUG_HOST_CLOSED: undefined,
  AUG_WATCH_FAILED: undefined,
  AUG_ARCHIVE_INVALID: 'extract',
  AUG_ARCHIVE_UNREADABLE: 'extract',
  AUG_ARCHIVE_UNSAFE_NAME: 'extract',
  AUG_ARCHIVE_COLLISION: 'extract',
  AUG_ARCHIVE_UNSUPPORTED_ENTRY: 'extract',
  AUG_ARCHIVE_LIMIT: 'extract',
  AUG_ARCHIVE_CORRUPT_DATA: 'extract',
  AUG_ARCHIVE_NO_MANIFEST: 'manifest',
  AUG_ARCHIVE_WRITE: 'extract',
  AUG_ARCHIVE_INTEGRITY: 'extract',
  AUG_DEPENDENCY_MISSING: 'dependency',
  AUG_DEPENDENCY_VERSION: 'dependency',
  AUG_DEPENDENCY_FAILED: 'dependency',
  AUG_DEPENDENCY_DISABLED: 'dependency',
  AUG_DEPENDENCY_CYCLE: 'dependency',
  AUG_STRICT_FAILED: undefined,
  AUG_DEV_LISTEN: undefined,
  AUG_DEV_FORBIDDEN: undefined,
  AUG_DEV_PROTOCOL: undefined,
  AUG_DEV_NOT_FOUND: undefined,
  AUG_DEV_DISABLED: undefined,
});

/**
 * The stage to report an error at: its code's stage in {@link ERROR_STAGES},
 * or, when it surfaced during a known `step` of loading, that step (a host
 * hook may throw any `AugmentError`), except a timeout, which is the
 * `timeout` stage wherever it happened.
 *
 * @param code - the error's code
 * @param step - the loading step it surfaced in, when there is one
 */
export function stageOf(code: ErrorCode, step: FailureStage): FailureStage;
export function stageOf(code: ErrorCode): FailureStage | undefined;
export function stageOf(code: ErrorCode, step?: FailureStage): FailureStage | undefined {
  const stage = ERROR_STAGES[code];
  return step === undefined || stage === 'timeout' ? stage : step;
}

const BRAND = Symbol.for('augment.error');

/** Extra fields an {@link AugmentError} can carry. */
export interface AugmentErrorDetails {
  /** The plugin's name, when it is known. */
  plugin?: string | undefined;
  /** The file the error is about (manifest, entry point, archive). */
  file?: string | undefined;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

/**
 * Base class of every error Augment creates. Check with {@link isAugmentError}
 * rather than `instanceof`: two copies of `@augment/core` in one process
 * (two versions, or a host bundle's copy beside the installed one) each have
 * their own class.
 */
export class AugmentError extends Error {
  /** Stable machine-readable code, e.g. `AUG_MANIFEST_INVALID`. */
  readonly code: ErrorCode;
  /** The plugin the error is about, when known. */
  readonly plugin: string | undefined;
  /** The file the error is about, when known. */
  readonly file: string | undefined;

  /**
   * @param code - stable code from {@link ERROR_CODES}
   * @param message - what happened, naming plugin and file, then what to do
   * @param details - plugin, file and cause
   */
  constructor(code: ErrorCode, message: string, details: AugmentErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.plugin = details.plugin;
    this.file = details.file;
    Object.defineProperty(this, BRAND, { value: true });
    markOwnError(this);
  }
}

/** A problem with the options given to `new PluginHost()` (host misuse: thrown). */
export class OptionsError extends AugmentError {}

/** A problem with a plugin's `plugin.manifest.json` or the files it names. */
export class ManifestError extends AugmentError {}

/** A problem choosing, importing, validating, starting or stopping a plugin. */
export class LoadError extends AugmentError {}

/** How many failures a {@link StrictModeError}'s message lists; `failures` has them all. */
const STRICT_LINES = 20;

/**
 * Thrown by `reload()` when the host has `strict: true` and the scan had
 * failures, after what did load was published.
 */
export class StrictModeError extends AugmentError {
  /** Every failure of the scan, as in `report.failed`. */
  readonly failures: readonly PluginFailure[];
  /** The whole report of the scan. */
  readonly report: ReloadReport;

  /** @param report - the report of the scan that had failures */
  constructor(report: ReloadReport) {
    const shown = report.failed.slice(0, STRICT_LINES);
    const lines = shown.map((f) => `  - ${f.name ?? f.source}: ${f.code} ${f.message}`);
    const more = report.failed.length - shown.length;
    if (more > 0) lines.push(`  - and ${String(more)} more (see the error's "failures")`);
    super(
      ERROR_CODES.STRICT_FAILED,
      `${report.failed.length === 1 ? '1 plugin' : `${report.failed.length} plugins`} failed and strict mode is on (${ERROR_CODES.STRICT_FAILED}); what did load is published:\n${lines.join('\n')}\nFix the failures listed, or turn "strict" off to serve what loads.`,
    );
    this.failures = report.failed;
    this.report = report;
  }
}

/** Extra fields an {@link ArchiveError} can carry. */
export interface ArchiveErrorDetails extends AugmentErrorDetails {
  /** The archive entry the error is about, as named in the archive. */
  entry?: string | undefined;
}

/** A problem with a plugin `.zip` archive or its extraction. */
export class ArchiveError extends AugmentError {
  /** The archive entry the error is about, when there is one. */
  readonly entry: string | undefined;

  /**
   * @param code - stable `AUG_ARCHIVE_*` code from {@link ERROR_CODES}
   * @param message - what happened, naming archive and entry, then what to do
   * @param details - file (the archive), entry, plugin and cause
   */
  constructor(code: ErrorCode, message: string, details: ArchiveErrorDetails = {}) {
    super(code, message, details);
    this.entry = details.entry;
  }
}

/**
 * Tells whether a value is an error created by any copy of `@augment/core`.
 * Never throws, whatever the value (a revoked Proxy, a throwing getter).
 *
 * @param value - anything, typically a caught error
 * @returns true when `value` is an {@link AugmentError}
 */
export function isAugmentError(value: unknown): value is AugmentError {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[BRAND] === true;
  } catch {
    return false;
  }
}

/**
 * Describes an unknown thrown value in one line, for messages. Never throws,
 * whatever the value: `null`, a Symbol, `Object.create(null)`, a revoked
 * Proxy, an object whose `message` or `toString` throws.
 *
 * @param error - anything that was thrown
 * @returns its message, or a string form of it, or a placeholder naming its type
 */
export function describeError(error: unknown): string {
  return describeValue(error);
}
