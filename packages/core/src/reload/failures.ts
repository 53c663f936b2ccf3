import { ERROR_CODES, LoadError, describeError, type AugmentError } from '../errors.js';
import type { Contender } from './conflicts.js';
import type { FailureStage, Manifest, PluginFailure } from '../types.js';

/**
 * Builds a frozen {@link PluginFailure} from a typed error.
 *
 * @param source - the plugin directory, archive or folder
 * @param name - the plugin's name, when known
 */
export function toFailure(
  source: string,
  name: string | undefined,
  stage: FailureStage,
  error: AugmentError,
): PluginFailure {
  return Object.freeze({
    source,
    ...(name === undefined ? {} : { name }),
    stage,
    code: error.code,
    message: error.message,
    cause: error,
  });
}

/** What makes two failures the same failure, for reporting it once. */
export function failureKey(failure: PluginFailure): string {
  return `${failure.source}\0${failure.code}\0${failure.message}`;
}

/** Asks the host's ignore option; a throwing predicate becomes a failure. */
export function isIgnored(
  ignore: (manifest: Manifest) => boolean,
  manifest: Manifest,
  source: string,
): boolean | PluginFailure {
  try {
    // a JavaScript host's predicate may answer 1, '' or undefined: truthy ignores, as with filter()
    const answer: unknown = ignore(manifest);
    return Boolean(answer);
  } catch (error) {
    return toFailure(
      source,
      manifest.name,
      'validate',
      new LoadError(
        ERROR_CODES.VALIDATE_THREW,
        `The host's "ignore" predicate threw for plugin "${manifest.name}" (${source}): ${describeError(error)}. Fix the predicate; the plugin is skipped until it returns true or false.`,
        { plugin: manifest.name, file: source, cause: error },
      ),
    );
  }
}

/** The failure of a plugin that lost the conflict rule to another of the same name. */
export function conflictFailure(loser: Contender, winner: Contender): PluginFailure {
  const name = loser.manifest.name;
  const why =
    loser.manifest.version !== winner.manifest.version
      ? 'its version is higher'
      : loser.origin !== winner.origin
        ? 'a directory beats an archive of the same version'
        : 'same version; the lexically first path wins';
  return toFailure(
    loser.source,
    name,
    'conflict',
    new LoadError(
      ERROR_CODES.CONFLICT_DUPLICATE,
      `Plugin "${name}" ${loser.manifest.version} at ${loser.source} is not loaded: ${winner.source} has the same name with version ${winner.manifest.version} and wins (${why}). Remove one of them, or give them different names.`,
      { plugin: name, file: loser.source },
    ),
  );
}
