import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AugmentError, ErrorCode } from './errors.js';

/** Free-form, host-defined data in a manifest's `meta` field. */
export type PluginMeta = Record<string, unknown>;

/**
 * The contents of a plugin's `plugin.manifest.json`, after validation.
 * Unknown top-level keys are kept as they are.
 *
 * @typeParam M - the shape of `meta`, when the host checks it with `metaValidator`
 */
export interface Manifest<M = PluginMeta> {
  /** npm-style package name, unique among the host's plugins. */
  name: string;
  /** Semantic version (`1.2.3`, `2.0.0-beta.1`). */
  version: string;
  /** Relative path of the entry module inside the plugin directory, e.g. `./dist/index.js`. */
  entryPoint: string;
  /** Host-specific data; `{}` when the manifest has none. */
  meta: M;
  /** One-line description for humans. */
  description?: string;
  /** Version ranges this plugin supports; `host` is checked against the host's `hostVersion`. */
  engines?: {
    /** Semver range of host versions this plugin supports, e.g. `^2.0.0`. */
    host?: string;
    [key: string]: unknown;
  };
  /**
   * Other plugins (by plugin name, not npm package) this one needs, each with
   * a semver range: it is loaded after them, and not at all without them.
   */
  pluginDependencies?: Readonly<Record<string, string>>;
  /**
   * Other plugins (by plugin name) this one uses when they are there: loaded
   * before it when present; missing or failed, they are just left out.
   */
  optionalPluginDependencies?: Readonly<Record<string, string>>;
  /** Any other top-level key of the manifest, kept untouched. */
  [key: string]: unknown;
}

/** Where a plugin came from: a plugin directory, or a `.zip` archive extracted into the cache. */
export type PluginOrigin = 'directory' | 'archive';

/** The module system a plugin's entry point was loaded with. */
export type ModuleFormat = 'esm' | 'cjs';

/**
 * One loaded plugin, as held in the registry.
 *
 * @typeParam T - the host's plugin signature
 * @typeParam M - the shape of the manifest's `meta`
 */
export interface PluginEntry<T = unknown, M = PluginMeta> {
  /** The validated manifest. */
  readonly manifest: Manifest<M>;
  /** The module's own export (ESM default or namespace, CJS `module.exports`): never a copy or proxy. */
  readonly plugin: T;
  /** The plugin directory or `.zip` file found in the host's folder. */
  readonly source: string;
  /** The real path of the directory the plugin was loaded from. */
  readonly dir: string;
  /** `'directory'` or `'archive'`. */
  readonly origin: PluginOrigin;
  /** `'esm'` or `'cjs'`. */
  readonly format: ModuleFormat;
  /** Milliseconds its import and validation took. */
  readonly loadMs: number;
  /**
   * The entries of the plugins this one was loaded against, by name: every
   * required dependency, and each optional one that is loaded. A frozen
   * object without a prototype; `{}` for a plugin without dependencies.
   */
  readonly dependencies: Readonly<Record<string, PluginEntry<T, M>>>;
}

/** The step at which a plugin failed. */
export type FailureStage =
  | 'folder'
  | 'manifest'
  | 'extract'
  | 'engines'
  | 'conflict'
  | 'import'
  | 'validate'
  | 'timeout'
  | 'dependency'
  | 'load'
  | 'unload';

/** A plugin (or the folder) that could not be loaded, kept while it stands. */
export interface PluginFailure {
  /** The plugin directory, archive or folder the failure is about. */
  readonly source: string;
  /** The plugin's name, when its manifest could be read. */
  readonly name?: string;
  /** The step that failed. */
  readonly stage: FailureStage;
  /** Stable `AUG_…` code. */
  readonly code: ErrorCode;
  /** What happened and what to do. */
  readonly message: string;
  /** The error behind the failure (the typed {@link AugmentError}, whose own `cause` is the original). */
  readonly cause: AugmentError;
}

/** What one `reload()` did. Names are sorted. */
export interface ReloadReport {
  /** Plugins loaded for the first time. */
  readonly added: readonly string[];
  /** Plugins whose new version replaced the old one. */
  readonly updated: readonly string[];
  /** Plugins no longer served. */
  readonly removed: readonly string[];
  /** Plugins whose files did not change (not imported again). */
  readonly unchanged: readonly string[];
  /** Loaded plugins whose update failed; their last known good version still serves. */
  readonly kept: readonly string[];
  /** Archives (their paths in the folder) that this scan extracted; empty when all were cached. */
  readonly extracted: readonly string[];
  /** Plugins in the folder that are switched off (`host.disable()`), loaded or not. */
  readonly disabled: readonly string[];
  /** The failures found by this scan. */
  readonly failed: readonly PluginFailure[];
  /** Wall-clock duration of the scan in milliseconds. */
  readonly durationMs: number;
}

/** What `host.enable()` and `host.disable()` resolve to: the report of the scan that applied the change. */
export interface SwitchReport extends ReloadReport {
  /** The name given. */
  readonly name: string;
  /** Whether the call changed the set of disabled names. */
  readonly changed: boolean;
  /** Whether the folder has a plugin of this name (loaded, failed or disabled). */
  readonly found: boolean;
}

/**
 * A console-shaped logger: `console`, pino and winston all fit.
 */
export interface Logger {
  /** Called for each plugin failure. */
  warn(message: string, ...rest: unknown[]): void;
  /** Called for failures of the host itself (folder missing, watcher errors). */
  error(message: string, ...rest: unknown[]): void;
  /** Called with a one-line summary of each reload. */
  info?(message: string, ...rest: unknown[]): void;
  /** Called with details useful when debugging discovery. */
  debug?(message: string, ...rest: unknown[]): void;
}

/** A type guard that decides whether a value has the host's signature. */
export type TypeGuard<T> = (value: unknown) => value is T;

/**
 * Checks a plugin (or its `meta`): a type guard, or any Standard Schema object
 * (zod 4, valibot, arktype). Validators only decide pass or fail; the registry
 * keeps the module's own export, never a schema library's output. So with a
 * schema, `T` is the schema's *input* type: defaults and transforms are not
 * applied to what the host gets.
 */
export type Validator<T> = TypeGuard<T> | StandardSchemaV1<T>;
