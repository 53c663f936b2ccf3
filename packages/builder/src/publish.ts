// The last step of a build: the bundle staged beside dist/, checked, moved
// into dist/ file by file (dist/ never goes missing), then packed when a zip
// was asked for.
import { join } from 'node:path';
import { checkManifestFiles, validateManifest, type Manifest } from '@augment/core';
import type { BuildContext as EsbuildContext } from 'esbuild';
import { makeStage, removeDir, writeStage } from './assets.js';
import type { BuildResult } from './build.js';
import { formatMessages, pickOutput } from './bundle.js';
import type { ProjectPaths, ResolvedBuildOptions } from './config.js';
import { BUILD_ERROR_CODES, buildError, describe, isBuildError } from './errors.js';
import { shapeBundle } from './shape-bundle.js';
import { swapInto } from './swap-dist.js';
import type { LoadedManifest } from './validate.js';

/** What {@link finish} needs from the build that produced the bundle. */
export interface FinishInput {
  readonly resolved: ResolvedBuildOptions;
  readonly paths: ProjectPaths;
  readonly loaded: LoadedManifest;
  readonly started: number;
  readonly checked: BuildResult['typecheck'];
  readonly output: Awaited<ReturnType<EsbuildContext['rebuild']>>;
}

/** Stages the output, checks it, swaps it in for dist/, then packs. */
export async function finish(input: FinishInput): Promise<BuildResult> {
  const { resolved, paths, loaded, output } = input;
  const stage = await makeStage(paths.dist).catch((error: unknown) => {
    throw outputError(`${paths.dist} could not be written (${describe(error)}).`, error);
  });
  let manifest: Manifest;
  try {
    const json = await writeStage(stage, {
      bundle: shapeBundle(pickOutput(output.outputFiles ?? []), resolved.format, {
        projectDir: paths.dir,
        distDir: paths.dist,
        name: loaded.manifest.name,
        version: loaded.manifest.version,
      }),
      manifestJson: loaded.json,
      name: loaded.manifest.name,
      version: loaded.manifest.version,
      format: resolved.format,
      assetsDir: paths.assets,
    });
    manifest = validateManifest(json);
    await checkManifestFiles(manifest, stage);
    await swapInto(stage, paths.dist);
  } catch (error) {
    await removeDir(stage);
    // a problem the staging step named itself (a special file under assets/)
    if (isBuildError(error)) throw error;
    throw outputError(`The built plugin in ${paths.dist} is not valid: ${describe(error)}`, error);
  }
  // fflate and the packing code load only for a zip
  const zip = resolved.zip
    ? await import('./pack.js').then(({ pack }) => pack(paths.dist, resolved.out))
    : undefined;
  return {
    dir: paths.dir,
    distDir: paths.dist,
    entry: join(paths.dist, 'index.js'),
    manifest,
    format: resolved.format,
    durationMs: performance.now() - input.started,
    typecheck: input.checked,
    warnings: formatMessages(output.warnings, paths.dir),
    ...(zip === undefined ? {} : { zip }),
  };
}

function outputError(headline: string, cause: unknown) {
  return buildError(
    BUILD_ERROR_CODES.OUTPUT_INVALID,
    headline,
    [],
    'dist/ was left as it was; fix the cause and build again.',
    { cause },
  );
}
