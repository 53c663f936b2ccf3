import { relative, resolve, sep } from 'node:path';
import { debuglog } from 'node:util';
import { createBuildContext } from './build.js';
import type { BuildResult } from './build.js';
import type { BuildOptions } from './config.js';
import { BUILD_ERROR_CODES } from './errors.js';
import { createIncrementalTypecheck } from './incremental-typecheck.js';
import { createRecheck } from './watch-recheck.js';

const debug = debuglog('augment');

/** The project files watched besides `src/` and `assets/`. */
const CONFIG_FILES = ['plugin.manifest.json', 'package.json', 'tsconfig.json'] as const;

/** The folder copied to `dist/assets/`: every file in it is watched. */
const ASSETS_DIR = 'assets';

/**
 * First-build failures that mean "this is not a plugin project" (a wrong
 * folder, a missing file): `watch()` rejects with them instead of waiting.
 */
const SETUP_CODES: ReadonlySet<unknown> = new Set([
  BUILD_ERROR_CODES.OPTIONS_INVALID,
  BUILD_ERROR_CODES.NO_MANIFEST,
  BUILD_ERROR_CODES.NO_ENTRY,
]);

function isSetupError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && SETUP_CODES.has(Reflect.get(error, 'code'));
}

/** What {@link watch} needs: the build options without `zip` and `out`, plus a listener. */
export interface WatchOptions extends Omit<BuildOptions, 'zip' | 'out'> {
  /**
   * Called for every build, failed build, type-check result and watcher error.
   * A listener that throws cannot stop the watcher.
   */
  onEvent?: ((event: RebuildEvent) => void) | undefined;
  /**
   * Quiet time after the last change before rebuilding, in ms: a burst of
   * saves (format-on-save, `git checkout`) makes one rebuild.
   * @default 30
   */
  debounceMs?: number;
}

/** A type-check result as {@link watch} reports it. */
export type TypecheckStatus = 'passed' | 'failed' | 'unavailable';

/** What {@link WatchOptions.onEvent} receives. */
export type RebuildEvent =
  | {
      /** A build succeeded; `initial` for the first one, made before `watch()` resolves. */
      type: 'build:done';
      initial: boolean;
      /** The files whose change caused the rebuild (absolute); empty for the initial build. */
      changed: string[];
      result: BuildResult;
      /** Wall time of the build, in ms (includes a fresh context after a config change). */
      durationMs: number;
    }
  | {
      /** A build failed (syntax error, unresolved import, invalid manifest…); watching goes on. */
      type: 'build:failed';
      initial: boolean;
      changed: string[];
      /** Usually a `BuildError` whose `details` name `file:line:col`. */
      error: unknown;
      durationMs: number;
    }
  | {
      /** The type check that runs beside each successful build finished (stale results are dropped). */
      type: 'types:checked';
      status: TypecheckStatus;
      diagnostics: string[];
      /** The diagnostics as tsc prints them, with source lines (see `TypecheckResult.formatted`). */
      formatted: string[];
      durationMs: number;
    }
  | {
      /** The file watcher or the type checker itself failed; watching goes on. */
      type: 'watch:failed';
      error: unknown;
    };

/** A running watch: rebuilds until closed. */
export interface BuildWatcher {
  /** The absolute project folder. */
  readonly dir: string;
  /** The absolute paths being watched: `src/`, `assets/` and the config files. */
  readonly watching: readonly string[];
  /** Stops watching, waits for a build in progress and disposes the esbuild context; idempotent. */
  close(): Promise<void>;
  /** Same as {@link BuildWatcher.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

type BuildContext = Awaited<ReturnType<typeof createBuildContext>>;

/**
 * What the watcher skips: everything in the project folder but `src/` (minus
 * `node_modules` and dot-files), `assets/` (all of it: the build copies all
 * of it) and the config files. The folder itself is watched, not the files
 * one by one, so that a config file or `assets/` deleted and made again is
 * still seen.
 */
function isIgnored(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  if (rel === '') return false;
  const parts = rel.split(sep);
  if (parts[0] === ASSETS_DIR) return false;
  if (parts[0] === 'src') {
    return parts.some((part) => part === 'node_modules' || part.startsWith('.'));
  }
  return !(parts.length === 1 && (CONFIG_FILES as readonly string[]).includes(rel));
}

/**
 * Builds the project, then rebuilds it incrementally (one esbuild context,
 * `createBuildContext().rebuild()`) whenever a file under `src/` or `assets/`, or one of
 * `plugin.manifest.json`, `package.json`, `tsconfig.json` changes; a
 * `tsconfig.json` change starts from a fresh context. Changes are debounced; a
 * change during a build queues exactly one more build. No save is lost: a
 * changed file is looked at again once the file watcher's throttle window has
 * passed, and rebuilt if it differs from what the last build read. After each successful
 * build the type check runs beside the watcher, in a worker thread with the
 * project's TypeScript, incrementally (a builder program made over the
 * previous one), and never delays the next rebuild; a result that a newer
 * build outdated is dropped. A failed build is reported as a
 * `build:failed` event and watching goes on. Resolves once the first build has
 * finished, whether or not it succeeded.
 *
 * @throws {BuildError} `AUG_BUILD_OPTIONS_INVALID`, `AUG_BUILD_NO_MANIFEST` or
 *   `AUG_BUILD_NO_ENTRY` when the first build shows this is not a plugin
 *   project: nothing is left watching then.
 */
export async function watch(options: WatchOptions): Promise<BuildWatcher> {
  const { onEvent, debounceMs = 30, ...rest } = options;
  const dir = resolve(rest.dir ?? process.cwd());
  const buildOptions: BuildOptions = { ...rest, dir };
  const checkTypes = rest.typecheck !== false;

  const chokidar = await import('chokidar');
  let context: BuildContext | undefined = await createBuildContext(buildOptions);
  let closed = false;
  let closing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let freshContext = false;
  const pending = new Set<string>();

  const emit = (event: RebuildEvent): void => {
    if (closed || onEvent === undefined) return;
    try {
      onEvent(event);
    } catch (error) {
      debug('watch: an onEvent listener threw: %o', error);
    }
  };

  // started now: TypeScript loads while the first build runs
  const checker = checkTypes ? createIncrementalTypecheck(dir) : undefined;
  /** Builds reported so far, and whether the last one succeeded: a check made before the last build is stale. */
  let builds = 0;
  let lastBuilt = false;
  let checking = false;
  const runTypecheck = async (): Promise<void> => {
    if (checker === undefined) return;
    checking = true;
    // checks the latest successful build; a result that a newer build outdated is dropped
    while (!closed && lastBuilt) {
      const build = builds;
      const started = performance.now();
      try {
        const { status, diagnostics, formatted } = await checker.check();
        const durationMs = performance.now() - started;
        if (build !== builds) continue;
        emit({ type: 'types:checked', status, diagnostics, formatted, durationMs });
      } catch (error) {
        if (build !== builds) continue;
        emit({ type: 'watch:failed', error });
      }
      break;
    }
    checking = false;
  };
  const requestTypecheck = (): void => {
    if (!checking) void runTypecheck();
  };

  /** Builds once; never rejects: the outcome is the event to report. */
  const attempt = async (initial: boolean): Promise<RebuildEvent> => {
    await recheck.snapshot();
    const changed = [...pending];
    pending.clear();
    const fresh = freshContext;
    freshContext = false;
    const started = performance.now();
    try {
      if (fresh && context !== undefined) {
        const old = context;
        context = undefined;
        await old.dispose();
      }
      context ??= await createBuildContext(buildOptions);
      const result = await context.rebuild();
      const durationMs = performance.now() - started;
      return { type: 'build:done', initial, changed, result, durationMs };
    } catch (error) {
      const durationMs = performance.now() - started;
      return { type: 'build:failed', initial, changed, error, durationMs };
    }
  };
  const report = (event: RebuildEvent): void => {
    builds += 1;
    lastBuilt = event.type === 'build:done';
    emit(event);
    if (lastBuilt) requestTypecheck();
  };

  const flush = (): void => {
    timer = undefined;
    if (closed || running !== undefined || pending.size === 0) return;
    running = attempt(false)
      .then(report)
      .finally(() => {
        running = undefined;
        // changes that came during the build, whose debounce has already run out
        if (timer === undefined) flush();
      });
  };

  const changed = (path: string): void => {
    if (closed) return;
    pending.add(path);
    if (path === resolve(dir, 'tsconfig.json')) freshContext = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  // a save whose change event chokidar dropped is found and rebuilt
  const recheck = createRecheck((path) => pending.has(path), changed);

  const watching = [
    resolve(dir, 'src'),
    resolve(dir, ASSETS_DIR),
    ...CONFIG_FILES.map((name) => resolve(dir, name)),
  ];
  const assetsDir = resolve(dir, ASSETS_DIR);
  const isAsset = (path: string): boolean =>
    path === assetsDir || path.startsWith(`${assetsDir}${sep}`);
  const watcher = chokidar.watch(dir, {
    ignoreInitial: true,
    ignored: (path: string) => isIgnored(dir, path),
  });
  watcher.on('all', (event, path) => {
    const absolute = resolve(path);
    if (event === 'add' || event === 'change' || event === 'unlink' || event === 'unlinkDir') {
      recheck.schedule(absolute);
      changed(absolute);
    } else if (event === 'addDir' && isAsset(absolute)) {
      // an empty folder under assets/ is copied too
      changed(absolute);
    }
  });
  watcher.on('error', (error) => {
    emit({ type: 'watch:failed', error });
  });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      recheck.close();
      await watcher.close();
      await running;
      await context?.dispose();
      context = undefined;
      await checker?.close();
    })();
    return closing;
  };

  await new Promise<void>((done) => watcher.once('ready', done));
  const first = attempt(true);
  running = first.then(() => undefined);
  const event = await first;
  running = undefined;
  if (event.type === 'build:failed' && isSetupError(event.error)) {
    await close();
    throw event.error;
  }
  report(event);
  flush();

  return { dir, watching, close, [Symbol.asyncDispose]: close };
}
