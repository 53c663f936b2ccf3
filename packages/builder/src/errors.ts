import { AugmentError, isAugmentError, type AugmentErrorDetails } from '@augment/core';
import type { AugmentErrorConstructor } from '@augment/cli-kit';

/**
 * Every error code the builder can report, in one place. A shipped code never
 * changes meaning.
 */
export const BUILD_ERROR_CODES = {
  /** `build()`, `createBuildContext()` or `pack()` got an unknown or ill-typed option. */
  OPTIONS_INVALID: 'AUG_BUILD_OPTIONS_INVALID',
  /** The project (or the target of `validate()`) has no `plugin.manifest.json`. */
  NO_MANIFEST: 'AUG_BUILD_NO_MANIFEST',
  /**
   * `plugin.manifest.json` is not valid JSON, breaks one or more schema rules,
   * has an unknown top-level key, or (in a project) has an `entryPoint` other
   * than `./dist/index.js` or a `name` or `version` other than package.json's.
   */
  MANIFEST_INVALID: 'AUG_BUILD_MANIFEST_INVALID',
  /** The project has no `src/index.ts`. */
  NO_ENTRY: 'AUG_BUILD_NO_ENTRY',
  /** esbuild could not bundle `src/index.ts` (syntax error, unresolved import…). */
  COMPILE: 'AUG_BUILD_COMPILE',
  /** The project's TypeScript reported type errors. */
  TYPECHECK: 'AUG_BUILD_TYPECHECK',
  /** The built `dist/` does not pass core's `checkManifestFiles`, or could not be written (or `assets/` holds a FIFO, socket or device). */
  OUTPUT_INVALID: 'AUG_BUILD_OUTPUT_INVALID',
  /** The release zip could not be written, or the written zip does not pass core's checks. */
  PACK: 'AUG_BUILD_PACK',
  /** `validate()` could not examine its target (missing, unreadable, or an unsafe archive). */
  VALIDATE: 'AUG_BUILD_VALIDATE',
  /** `sync()` found no string `name` and `version` in package.json, or could not update the manifest. */
  SYNC: 'AUG_BUILD_SYNC',
  /** `augment link`, `unlink` or `dev --link` got a host plugin folder that does not exist or is not a folder. */
  LINK_FOLDER: 'AUG_BUILD_LINK_FOLDER',
  /** The link's name in the host's folder is taken by something augment did not make for this project. */
  LINK_TAKEN: 'AUG_BUILD_LINK_TAKEN',
  /** `augment link` found no built `dist/` to link. */
  LINK_NO_DIST: 'AUG_BUILD_LINK_NO_DIST',
  /** The link (or its copy) could not be made or removed. */
  LINK_FAILED: 'AUG_BUILD_LINK_FAILED',
} as const;

/** One of the stable `AUG_BUILD_…` codes listed in {@link BUILD_ERROR_CODES}. */
export type BuildErrorCode = (typeof BUILD_ERROR_CODES)[keyof typeof BUILD_ERROR_CODES];

/** Extra fields a {@link BuildError} can carry. */
export interface BuildErrorDetails extends AugmentErrorDetails {
  /** One line per problem, `file:line:col: message` where a location exists. */
  details?: readonly string[] | undefined;
}

/** Core's `AugmentError`, typed so that {@link BuildError} can narrow `code` to its own. */
const AugmentErrorBase = AugmentError as unknown as AugmentErrorConstructor;

/**
 * A build, pack or validate step failed. `message` is complete and ready to
 * print (what happened, every problem, then what to do); `details` holds the
 * same problems one per line for programs.
 */
export class BuildError extends AugmentErrorBase {
  /** Stable machine-readable code, e.g. `AUG_BUILD_TYPECHECK`. */
  declare readonly code: BuildErrorCode;
  /** One line per problem, `file:line:col: message` where a location exists; may be empty. */
  readonly details: string[];

  /**
   * @param code - stable code from {@link BUILD_ERROR_CODES}
   * @param message - what happened, naming the file, then what to do
   * @param details - problem lines, plugin, file and cause
   */
  constructor(code: BuildErrorCode, message: string, details: BuildErrorDetails = {}) {
    super(code, message, details);
    this.details = [...(details.details ?? [])];
  }
}

/**
 * Builds a {@link BuildError} whose message lists every problem between a
 * headline and the fix.
 *
 * @param code - stable code
 * @param headline - what happened, naming the file
 * @param problems - one line per problem (may be empty)
 * @param fix - what to do
 * @param extra - plugin, file and cause
 */
export function buildError(
  code: BuildErrorCode,
  headline: string,
  problems: readonly string[],
  fix: string,
  extra: AugmentErrorDetails = {},
): BuildError {
  const list = problems.map((line) => `  ${line}`).join('\n');
  const tail = fix === '' ? '' : problems.length === 0 ? ` ${fix}` : `\n${fix}`;
  const message = `${headline}${problems.length === 0 ? '' : `\n${list}`}${tail}`;
  return new BuildError(code, message, { ...extra, details: problems });
}

/**
 * Tells whether a value is a {@link BuildError}, from any copy of the builder.
 *
 * @param value - anything, typically a caught error
 */
export function isBuildError(value: unknown): value is BuildError {
  return isAugmentError(value) && value.code.startsWith('AUG_BUILD_') && 'details' in value;
}

/**
 * Describes an unknown thrown value in one line.
 *
 * @param error - anything that was thrown
 */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
