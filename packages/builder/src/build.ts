import { stat } from 'node:fs/promises';
import type { Manifest } from '@augment/core';
import {
  build as esbuild,
  context as esbuildContext,
  type BuildContext as EsbuildContext,
} from 'esbuild';
import { compileError, esbuildOptions } from './bundle.js';
import {
  projectPaths,
  readProjectPackage,
  resolveBuildOptions,
  type BuildOptions,
  type ProjectPackage,
  type ProjectPaths,
  type ResolvedBuildOptions,
} from './config.js';
import { BUILD_ERROR_CODES, buildError } from './errors.js';
import type { PackResult } from './pack.js';
import { assertProjectManifest } from './manifest-project.js';
import { finish } from './publish.js';
import { startTypecheck, type RunningTypecheck } from './typecheck.js';
import { loadManifest, type LoadedManifest } from './validate.js';

export type { BuildOptions };

/** What {@link build} and {@link BuildContext.rebuild} produced. */
export interface BuildResult {
  /** The project root. */
  dir: string;
  /** The written `dist/` folder. */
  distDir: string;
  /** Absolute path of `dist/index.js`. */
  entry: string;
  /** The manifest written to `dist/` (its `entryPoint` is `./index.js`). */
  manifest: Manifest;
  format: 'esm' | 'cjs';
  /** Wall time of the whole build, type check and zip included. */
  durationMs: number;
  /** `'unavailable'` when the project has no TypeScript installed. */
  typecheck: 'passed' | 'skipped' | 'unavailable';
  /** esbuild's warnings, `file:line:col: text`. */
  warnings: string[];
  /** The release zip, when `zip: true`. */
  zip?: PackResult;
}

/** An incremental build for watch mode (see {@link createBuildContext}). */
export interface BuildContext {
  /** Builds again, reusing esbuild's incremental state. Never type checks. */
  rebuild(): Promise<BuildResult>;
  /** Stops esbuild's context; idempotent. */
  dispose(): Promise<void>;
}

/**
 * Builds a plugin project into `dist/` (and `release.zip` with `zip: true`):
 * validates the manifest, type checks with the project's TypeScript, bundles
 * `src/index.ts` with esbuild, writes `package.json`, the manifest and
 * `assets/` beside it, and checks the result with core's rules. `dist/` is
 * replaced only once everything succeeded: a failed build writes nothing.
 * Prints nothing.
 *
 * @param options - see {@link BuildOptions}
 * @throws {BuildError} `AUG_BUILD_OPTIONS_INVALID`, `AUG_BUILD_NO_MANIFEST`,
 *   `AUG_BUILD_MANIFEST_INVALID`, `AUG_BUILD_NO_ENTRY`, `AUG_BUILD_TYPECHECK`,
 *   `AUG_BUILD_COMPILE`, `AUG_BUILD_OUTPUT_INVALID`, `AUG_BUILD_PACK`
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const resolved = resolveBuildOptions(options);
  // tsc first: it takes the longest, and everything else happens while it runs.
  const check = resolved.typecheck ? startTypecheck(resolved.dir) : undefined;
  return runBuild(resolved, check, started);
}

/**
 * {@link build} with a type check the caller started itself: the CLI starts
 * `tsc` before it loads this module (esbuild, @augment/core), so that the
 * check runs while they load. Not exported from the package.
 *
 * @param options - as for {@link build}
 * @param check - `startTypecheck(dir)` of the same project, or undefined
 *   when the types are not to be checked (`typecheck: false`); cancelled
 *   when the build fails before its result is wanted
 * @param started - when the build began (`performance.now()`), for `durationMs`
 */
export async function buildWithTypecheck(
  options: BuildOptions,
  check: RunningTypecheck | undefined,
  started: number,
): Promise<BuildResult> {
  let resolved: ResolvedBuildOptions;
  try {
    resolved = resolveBuildOptions(options);
  } catch (error) {
    await check?.cancel();
    throw error;
  }
  return runBuild(resolved, check, started);
}

async function runBuild(
  resolved: ResolvedBuildOptions,
  check: RunningTypecheck | undefined,
  started: number,
): Promise<BuildResult> {
  const paths = projectPaths(resolved.dir);
  let prepared: Prepared;
  try {
    prepared = await prepare(resolved, paths);
  } catch (error) {
    // the project is not buildable: the check's result is not wanted, and tsc must not linger
    await check?.cancel();
    throw error;
  }
  // The check and the bundle run side by side. The bundle's errors come first and
  // alone: a syntax error is reported in esbuild's words as soon as esbuild knows,
  // not seconds later beside tsc's knock-on errors; tsc is stopped then.
  const output = await prepared.bundling.catch(async (error: unknown) => {
    await check?.cancel();
    throw compileError(error, paths);
  });
  const checked = check === undefined ? 'skipped' : await typecheckStatus(check, paths);
  return finish({ resolved, paths, loaded: prepared.loaded, started, checked, output });
}

interface Prepared {
  readonly loaded: LoadedManifest;
  readonly bundling: Promise<Awaited<ReturnType<typeof esbuild>>>;
}

/**
 * Reads the project and starts esbuild. esbuild writes nothing (`write:
 * false`), so it starts as soon as package.json is read, beside the manifest
 * checks; the problems still come in their order: manifest, entry point,
 * package.json.
 */
async function prepare(resolved: ResolvedBuildOptions, paths: ProjectPaths): Promise<Prepared> {
  const pkg = readProjectPackage(paths.packageJson);
  const bundling = pkg.then((latest) => esbuild(esbuildOptions(paths, latest, resolved)));
  bundling.catch(() => undefined);
  const loaded = await loadManifest(paths.dir);
  assertProjectManifest(loaded, (await pkg.catch(() => undefined))?.text ?? '');
  await checkEntry(paths);
  await pkg;
  return { loaded, bundling };
}

/**
 * Prepares an incremental build for watch mode: an esbuild context over the
 * project. Each `rebuild()` reads the manifest again, bundles, and replaces
 * `dist/` (and the zip with `zip: true`) like {@link build}, without a type
 * check: watch runs that beside it. When `package.json` changed since the
 * last rebuild, the esbuild context is made anew (dependencies, target).
 *
 * @param options - see {@link BuildOptions}; `typecheck` is ignored
 * @throws {BuildError} `AUG_BUILD_OPTIONS_INVALID`; `rebuild()` rejects like {@link build}
 */
export async function createBuildContext(options: BuildOptions): Promise<BuildContext> {
  const resolved = resolveBuildOptions(options);
  const paths = projectPaths(resolved.dir);
  let context: EsbuildContext | undefined;
  let contextPackage: string | undefined;
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const contextFor = async (latest: ProjectPackage): Promise<EsbuildContext> => {
    if (context !== undefined && contextPackage === latest.text) return context;
    const previous = context;
    context = undefined;
    await previous?.dispose();
    const options = esbuildOptions(paths, latest, resolved);
    context = await esbuildContext(options);
    contextPackage = latest.text;
    return context;
  };

  const rebuildOnce = async (): Promise<BuildResult> => {
    if (disposed) throw new Error('rebuild() was called after dispose()');
    const started = performance.now();
    const loaded = await loadManifest(paths.dir);
    // problems in their order: manifest, entry point, package.json
    const latest = readProjectPackage(paths.packageJson);
    assertProjectManifest(loaded, (await latest.catch(() => undefined))?.text ?? '');
    await checkEntry(paths);
    const ctx = await contextFor(await latest);
    const output = await ctx.rebuild().catch((error: unknown) => {
      throw compileError(error, paths);
    });
    return finish({ resolved, paths, loaded, started, checked: 'skipped', output });
  };

  await contextFor(await readProjectPackage(paths.packageJson));
  return {
    rebuild() {
      // One rebuild at a time: two would race on dist/.
      const next = queue.then(rebuildOnce, rebuildOnce);
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      await context?.dispose();
      context = undefined;
    },
  };
}

async function checkEntry(paths: ProjectPaths): Promise<void> {
  const isFile = await stat(paths.entry).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (isFile) return;
  throw buildError(
    BUILD_ERROR_CODES.NO_ENTRY,
    `${paths.entry} is missing.`,
    ['src/index.ts: missing'],
    'Create src/index.ts exporting the plugin (the builder bundles it into dist/index.js).',
    { file: paths.entry },
  );
}

async function typecheckStatus(
  check: RunningTypecheck,
  paths: ProjectPaths,
): Promise<'passed' | 'unavailable'> {
  const result = await check.result;
  if (result.status !== 'failed') return result.status;
  const count = result.diagnostics.length;
  throw buildError(
    BUILD_ERROR_CODES.TYPECHECK,
    `TypeScript found ${count === 1 ? 'an error' : `${count} errors`} in ${paths.dir}:`,
    result.diagnostics,
    `Fix ${count === 1 ? 'it' : 'them'} and build again (or skip the check with --no-typecheck); dist/ was left as it was.`,
    { cause: result },
  );
}
