import { join } from 'node:path';
import semverSatisfies from 'semver/functions/satisfies.js';
import type { PluginCandidate } from '../sources/source.js';
import { AugmentError, ERROR_CODES, LoadError, describeError, stageOf } from '../errors.js';
import { detectFormatSeen } from '../load/format.js';
import {
  entryFromWalk,
  entryInExtraction,
  isSingleModule,
  packageJsonFromWalk,
} from '../sources/directory/entry-files.js';
import type { DirFingerprint } from '../sources/directory/fingerprint.js';
import { debug } from '../util/log.js';
import { isRegularFile } from '../util/fs.js';
import { isOwnError } from '../util/own-errors.js';
import { registerSourceMap } from '../load/source-maps.js';
import { withLoadTimeout } from '../util/timeout.js';
import { loadModulePaced } from '../load/paced-load.js';
import { MANIFEST_FILE, checkEntryFile } from '../manifest/manifest.js';
import type { ResolvedPluginHostOptions } from '../options.js';
import { toFailure } from './failures.js';
import type { FailureStage, Manifest, PluginEntry, PluginFailure } from '../types.js';
import { runValidator, type ValidationOutcome } from '../load/validate.js';

/** Per-scan caches shared by every candidate of one scan. */
export interface ScanContext {
  /** package.json lookups for format detection. */
  readonly formatCache: Map<string, unknown>;
}

/** Every StageError: `instanceof` on a caught value may run a Proxy's trap, membership never does. */
const stageErrors = new WeakSet<object>();

/** An error that knows at which stage it happened. */
class StageError extends Error {
  constructor(
    readonly stage: FailureStage,
    readonly error: AugmentError,
  ) {
    super(error.message);
    stageErrors.add(this);
  }
}

function isStageError(value: unknown): value is StageError {
  return stageErrors.has(value as object);
}

/**
 * Checks `engines.host` against the host's version.
 *
 * @returns the error to report, or undefined when the plugin fits
 */
export function checkEngines(
  manifest: Manifest,
  dir: string,
  hostVersion: string | undefined,
): AugmentError | undefined {
  const range = manifest.engines?.host;
  if (hostVersion === undefined || range === undefined) return undefined;
  if (semverSatisfies(hostVersion, range, { includePrerelease: true })) return undefined;
  return new LoadError(
    ERROR_CODES.ENGINES_MISMATCH,
    `Plugin "${manifest.name}" ${manifest.version} needs host version ${range} ("engines.host" in ${dir}/${MANIFEST_FILE}), but this host is ${hostVersion}. Install a version of the plugin made for ${hostVersion}, or upgrade the host.`,
    { plugin: manifest.name, file: `${dir}/${MANIFEST_FILE}` },
  );
}

/**
 * Imports, validates and starts one plugin candidate against the entries of
 * its dependencies. Never throws: returns the entry, or the failure with the
 * stage that failed.
 */
export async function loadCandidate<T, M>(
  candidate: PluginCandidate & { readonly manifest: Manifest },
  options: ResolvedPluginHostOptions<T, M>,
  context: ScanContext,
  dependencies: Readonly<Record<string, PluginEntry<T, M>>>,
): Promise<{ entry: PluginEntry<T, M> } | { failure: PluginFailure }> {
  const { manifest, dir, source } = candidate;
  const name = manifest.name;
  try {
    const { walk } = candidate;
    const fromWalk =
      candidate.origin === 'archive'
        ? entryInExtraction(dir, manifest.entryPoint)
        : entryFromWalk(walk?.files, manifest.entryPoint);
    const entryPath =
      fromWalk !== undefined
        ? join(dir, fromWalk)
        : // discovery and the archive source give real directories
          await atStage('manifest', () => checkEntryFile(manifest, dir, dir));
    if (options.metaValidator !== undefined) {
      await validateWith(options.metaValidator, manifest.meta, options, {
        code: ERROR_CODES.VALIDATE_META,
        what: `"meta" in ${dir}/${MANIFEST_FILE}`,
        fix: 'Fix "meta" in plugin.manifest.json to match what the host expects.',
        name,
      });
    }
    const seen =
      walk !== undefined && fromWalk !== undefined && candidate.origin === 'directory'
        ? (at: string) => packageJsonFromWalk(walk, dir, at)
        : undefined;
    const format = await atStage('import', () =>
      detectFormatSeen(entryPath, context.formatCache, seen),
    );
    if (options.sourceMaps === 'auto' && hasSourceMap(entryPath, fromWalk, walk)) {
      registerSourceMap(entryPath);
    }
    const started = performance.now();
    const { value: plugin } = await atStage('import', () =>
      loadModulePaced({
        entryPath,
        dir,
        format,
        timeoutMs: options.loadTimeoutMs,
        label: name,
        // discovery gave real directories and the entry is the walk's regular
        // file or what checkManifestFiles resolved
        realPaths: true,
        singleModule:
          walk !== undefined && fromWalk !== undefined && isSingleModule(walk, fromWalk),
        onLate: () => {
          debug(
            'plugin "%s" settled after its load timeout; the late result is not published',
            name,
          );
        },
      }),
    );
    if (options.validator !== undefined) {
      await validateWith(options.validator, plugin, options, {
        code: ERROR_CODES.VALIDATE_REJECTED,
        what: `the export of ${entryPath}`,
        fix: "Export what the host's signature expects (see the host's types package).",
        name,
      });
    }
    const entry: PluginEntry<T, M> = Object.freeze({
      manifest: manifest as Manifest<M>,
      plugin: plugin as T,
      source,
      dir,
      origin: candidate.origin,
      format,
      loadMs: performance.now() - started,
      dependencies,
    });
    if (options.onLoad !== undefined) {
      const onLoad = options.onLoad;
      await atStage('load', () =>
        withLoadTimeout(
          Promise.resolve().then(() => onLoad(entry)),
          options.loadTimeoutMs,
          {
            plugin: name,
            what: 'onLoad',
          },
        ).catch((error: unknown) => {
          throw isOwnError(error)
            ? error
            : new LoadError(
                ERROR_CODES.LOAD_HOOK,
                `The host's onLoad hook failed for plugin "${name}" (${source}): ${describeError(error)}. Its previous version, if any, keeps serving.`,
                { plugin: name, file: source, cause: error },
              );
        }),
      );
    }
    return { entry };
  } catch (error) {
    // `error` may be anything a plugin threw: only total operations on it
    if (isStageError(error)) {
      const stage = stageOf(error.error.code, error.stage);
      return { failure: toFailure(source, name, stage, error.error) };
    }
    const wrapped = new LoadError(
      ERROR_CODES.LOAD_IMPORT,
      `Plugin "${name}" (${source}) could not be loaded: ${describeError(error)}.`,
      { plugin: name, file: source, cause: error },
    );
    return { failure: toFailure(source, name, 'load', wrapped) };
  }
}

function hasSourceMap(
  entryPath: string,
  fromWalk: string | undefined,
  walk: DirFingerprint | undefined,
): boolean {
  if (walk !== undefined && fromWalk !== undefined) {
    const kind = walk.files.get(`${fromWalk}.map`);
    return kind === 'file' || kind === 'link';
  }
  return isRegularFile(`${entryPath}.map`);
}

async function atStage<R>(stage: FailureStage, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (isStageError(error)) throw error;
    if (isOwnError(error)) throw new StageError(stage, error);
    throw error;
  }
}

async function validateWith<V>(
  validator: Parameters<typeof runValidator<V>>[0],
  value: unknown,
  options: { readonly loadTimeoutMs: number },
  how: {
    code: typeof ERROR_CODES.VALIDATE_META | typeof ERROR_CODES.VALIDATE_REJECTED;
    what: string;
    fix: string;
    name: string;
  },
): Promise<void> {
  const threw = (error: unknown): AugmentError =>
    isOwnError(error)
      ? error
      : new LoadError(
          ERROR_CODES.VALIDATE_THREW,
          `The host's validator threw while checking plugin "${how.name}": ${describeError(error)}. Fix the validator (it should return false or report issues instead of throwing).`,
          { plugin: how.name, cause: error },
        );
  let answer: ValidationOutcome | Promise<ValidationOutcome>;
  try {
    answer = runValidator(validator, value);
  } catch (error) {
    throw new StageError('validate', threw(error));
  }
  // a synchronous answer has nothing to time out
  const outcome =
    answer instanceof Promise
      ? await atStage('validate', () =>
          withLoadTimeout(answer, options.loadTimeoutMs, {
            plugin: how.name,
            what: 'the validator',
          }).catch((error: unknown) => {
            throw threw(error);
          }),
        )
      : answer;
  if (!outcome.ok) {
    throw new StageError(
      'validate',
      new LoadError(
        how.code,
        `Plugin "${how.name}" was rejected: ${how.what} does not pass the host's validator (${outcome.issues}). ${how.fix}`,
        { plugin: how.name },
      ),
    );
  }
}
