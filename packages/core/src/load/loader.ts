import { realpath, realpathSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ERROR_CODES, LoadError, describeError } from '../errors.js';
import { purgeCjsModules, purgeCjsModulesIn, requireCache } from './cjs-cache.js';
import { buildFreshQuery, ensureFreshHooks } from './esm-hooks.js';
import { getLoaderState } from './loader-state.js';
import { withLoadTimeout } from '../util/timeout.js';
import type { ModuleFormat } from '../types.js';

/** What {@link loadModule} needs to import one plugin's entry point. */
export interface LoadModuleOptions {
  /** Absolute path of the entry point. */
  entryPath: string;
  /** The plugin directory: every module below it is re-imported fresh on a reload. */
  dir: string;
  /** How to load the entry point (see `detectFormat`). */
  format: ModuleFormat;
  /** Milliseconds the plugin's top-level code may take; `0` = no limit. */
  timeoutMs: number;
  /** The plugin's name, for error messages. @default the plugin directory */
  label?: string;
  /** Receives the outcome of an import that settled after it timed out (for debug logs). */
  onLate?: (outcome: PromiseSettledResult<unknown>) => void;
  /** `entryPath` and `dir` are real paths already (saves resolving them again). @default false */
  realPaths?: boolean;
  /**
   * The plugin has no module but its entry point (see `isSingleModule`): a
   * fresh ESM import then needs no resolve hook, only a new URL for the
   * entry. Registering the hook is the one expensive step of the first
   * fresh import on Node 20 (a worker thread). @default false
   */
  singleModule?: boolean;
}

/**
 * A plugin's export, boxed: a promise never adopts a box, so an export that
 * is a promise or any thenable reaches the registry as the module's own
 * value, neither awaited nor replaced by what it resolves to.
 */
export interface LoadedModule {
  /** The plugin value: the module's own export. */
  readonly value: unknown;
}

/**
 * Imports a plugin's entry point and returns the plugin value: for ESM the
 * `default` export when there is one, else the namespace object; for
 * CommonJS `module.exports`, or its `default` when `__esModule` is set (what
 * esbuild and tsc emit for `export default`).
 *
 * Every import after the first one of the same entry is fresh, including the
 * plugin's own files: CommonJS modules below `dir` are purged from
 * `require.cache` first; ES modules are imported under a new URL that a
 * resolve hook passes on to the plugin's own imports. ESM is loaded with
 * `import()` of the file URL, CommonJS with `require()` only.
 *
 * An export that is a promise or thenable is returned as it is (boxed), never
 * awaited. An ES module that exports a function named `then` is another
 * matter: `import()` itself treats its namespace as a thenable and calls that
 * function. Such a module fails with `AUG_LOAD_IMPORT` once it calls back, or
 * times out when it never does.
 *
 * @param options - entry point, directory, format and timeout
 * @returns the plugin value, boxed
 * @throws {LoadError} `AUG_LOAD_IMPORT` when the module throws (any value) or
 *   fails to parse while being imported (with the original value as `cause`);
 *   `AUG_LOAD_TIMEOUT` when it does not settle within `timeoutMs`
 */
export async function loadModule(options: LoadModuleOptions): Promise<LoadedModule> {
  const { entryPath, dir, format, timeoutMs, onLate } = options;
  const label = options.label ?? dir;
  const failed = (cause: unknown): LoadError =>
    new LoadError(
      ERROR_CODES.LOAD_IMPORT,
      `Plugin "${label}": importing ${entryPath} failed: ${describeError(cause)}. ` +
        'Fix the error in the entry point or a module it imports, then reload.',
      { plugin: label, file: entryPath, cause },
    );
  if (format === 'cjs' && options.realPaths === true) {
    // require() is synchronous: a timer could only fire after it returned
    try {
      return requireCjs(entryPath, dir);
    } catch (cause) {
      throw failed(cause);
    }
  }
  const paths: Promise<[string, string]> = options.realPaths
    ? Promise.resolve([entryPath, dir])
    : Promise.all([realpathAsync(entryPath), realpathAsync(dir)]);
  const work = paths
    .then(([entry, root]) =>
      format === 'esm'
        ? importEsm(entry, root, options.singleModule === true)
        : requireCjs(entry, root),
    )
    .catch((cause: unknown) => {
      throw failed(cause);
    });
  return withLoadTimeout(
    work,
    timeoutMs,
    {
      plugin: label,
      what: `the top-level code of ${entryPath}`,
      fix:
        'Move long-running work (servers, connections, prompts) out of module scope into a ' +
        'function the host calls, or raise loadTimeoutMs.',
      file: entryPath,
    },
    onLate &&
      ((outcome) => {
        onLate(
          outcome.status === 'fulfilled' ? { ...outcome, value: outcome.value.value } : outcome,
        );
      }),
  );
}

/**
 * Lets go of a removed plugin's modules: every CommonJS module below `dir`
 * leaves `require.cache` and its parents' `children`, so it can be
 * garbage-collected. This includes `.cjs` files that an ES module plugin
 * imported. Node's ESM loader offers no way to drop an ES module: those stay
 * in memory until the process exits.
 *
 * @param dir - the plugin directory
 * @param format - the format its entry point was loaded with
 * @returns true when the plugin's entry can be freed (CommonJS), false when
 *   Node keeps it (ESM)
 */
export function releaseModule(dir: string, format: ModuleFormat): boolean {
  purgeCjsModules(realpathOrResolve(dir));
  return format === 'cjs';
}

/**
 * {@link releaseModule} for many plugin directories at once, in one pass
 * over `require.cache`.
 *
 * @param dirs - the plugin directories' real paths (as a `PluginEntry`'s `dir` is)
 */
export function releaseModules(dirs: Iterable<string>): void {
  purgeCjsModulesIn(dirs);
}

async function importEsm(
  entry: string,
  root: string,
  singleModule: boolean,
): Promise<LoadedModule> {
  const state = getLoaderState();
  let url = pathToFileURL(entry).href;
  if (state.esmImported.has(entry)) {
    // the hook carries the query to the plugin's other modules; a plugin
    // without any needs only the entry's new URL
    if (!singleModule) ensureFreshHooks();
    state.generation += 1;
    url += `?${buildFreshQuery(state.generation, root)}`;
    // CommonJS files imported by the plugin are taken from require.cache.
    purgeCjsModules(root);
  } else {
    state.esmImported.add(entry);
  }
  const namespace: unknown = await import(url);
  if (!isNamespace(namespace)) throw new Error(THEN_EXPORT);
  const exports = namespace as Record<string, unknown>;
  return { value: 'default' in exports ? exports['default'] : exports };
}

/**
 * Whether `import()` gave a module namespace (tagged `Module`; test runners
 * may hand out a Proxy of it), not what a `then` export resolved to. Never
 * throws: that value may be anything.
 */
function isNamespace(value: unknown): boolean {
  try {
    return Object.prototype.toString.call(value) === '[object Module]';
  } catch {
    return false;
  }
}

/** Why an ES module's `import()` resolved to something other than its namespace. */
const THEN_EXPORT =
  'the module exports a function named "then", so import() treated it as a promise and ' +
  'resolved to what that function passed on instead of the module. Rename the "then" export';

/** What {@link loaderParent} uses of a CommonJS module. */
interface ParentModule {
  require(id: string): unknown;
  children: unknown[];
}

let parent: ParentModule | undefined;

/**
 * The module every plugin entry is required from: one for the process, made
 * the way `createRequire()` makes its own, less the `node_modules` lookup
 * paths (only absolute paths are required from it). `createRequire()` per
 * plugin cost ~25 µs each on a cold load of 1000 CommonJS plugins.
 */
function loaderParent(): ParentModule {
  if (parent === undefined) {
    const ModuleClass = Module as unknown as new (id: string) => ParentModule & {
      filename: string;
      paths: string[];
      loaded: boolean;
    };
    const created = new ModuleClass(LOADER_ID);
    created.filename = LOADER_ID;
    created.paths = [];
    created.loaded = true;
    parent = created;
  }
  return parent;
}

/** The name the loader's parent module goes by (in a `Require stack`, for one). */
const LOADER_ID = '[@augment/core plugin loader]';

function requireCjs(entry: string, root: string): LoadedModule {
  const state = getLoaderState();
  // Purge on every load but the first, and also when someone else required the entry before.
  if (state.cjsLoaded.has(entry) || requireCache()[entry] !== undefined) purgeCjsModules(root);
  state.cjsLoaded.add(entry);
  const loader = loaderParent();
  let exports: unknown;
  try {
    exports = loader.require(entry);
  } finally {
    // the shared parent must not keep old versions alive through its children
    loader.children.length = 0;
  }
  return { value: interopDefault(exports) };
}

/**
 * `module.exports.default` when the module says `__esModule`, else
 * `module.exports`. Reading an export that throws (a getter, a Proxy trap)
 * keeps `module.exports` as it is: the validator then judges it.
 */
function interopDefault(exports: unknown): unknown {
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) {
    return exports;
  }
  try {
    const esModule = (exports as { __esModule?: unknown }).__esModule;
    return esModule && 'default' in exports ? exports.default : exports;
  } catch {
    return exports;
  }
}

/** The real path of `path`, or its resolved form when it cannot be resolved. */
function realpathAsync(path: string): Promise<string> {
  return new Promise((done) => {
    realpath.native(path, (error, real) => {
      done(error ? resolve(path) : real);
    });
  });
}

function realpathOrResolve(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}
