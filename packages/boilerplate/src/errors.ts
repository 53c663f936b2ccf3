import { AugmentError, isAugmentError, type AugmentErrorDetails } from '@augment/core';
import type { AugmentErrorConstructor } from '@augment/cli-kit';

/**
 * Every error code the boilerplate can report, in one place. A shipped code
 * never changes meaning.
 */
export const SCAFFOLD_ERROR_CODES = {
  /** `scaffold()` got an unknown or ill-typed option (or a format other than esm and cjs). */
  OPTIONS_INVALID: 'AUG_SCAFFOLD_OPTIONS_INVALID',
  /** The plugin name, or the name of the `types` package, is not a valid npm package name. */
  NAME_INVALID: 'AUG_SCAFFOLD_NAME_INVALID',
  /** The target folder holds files and `force` was not set. */
  NOT_EMPTY: 'AUG_SCAFFOLD_NOT_EMPTY',
  /** The target exists and is not a folder. */
  NOT_A_FOLDER: 'AUG_SCAFFOLD_NOT_A_FOLDER',
  /** A template could not be read, or a file of the project could not be written. */
  WRITE: 'AUG_SCAFFOLD_WRITE',
} as const;

/** One of the stable `AUG_SCAFFOLD_…` codes listed in {@link SCAFFOLD_ERROR_CODES}. */
export type ScaffoldErrorCode = (typeof SCAFFOLD_ERROR_CODES)[keyof typeof SCAFFOLD_ERROR_CODES];

/** Core's `AugmentError`, typed so that {@link ScaffoldError} can narrow `code` to its own. */
const AugmentErrorBase = AugmentError as unknown as AugmentErrorConstructor;

/**
 * A project could not be created. `message` is complete and ready to print:
 * what happened, naming the folder or the name, then what to do.
 */
export class ScaffoldError extends AugmentErrorBase {
  /** Stable machine-readable code, e.g. `AUG_SCAFFOLD_NOT_EMPTY`. */
  declare readonly code: ScaffoldErrorCode;

  /**
   * @param code - stable code from {@link SCAFFOLD_ERROR_CODES}
   * @param message - what happened, then what to do
   * @param details - file and cause
   */
  constructor(code: ScaffoldErrorCode, message: string, details: AugmentErrorDetails = {}) {
    super(code, message, details);
  }
}

/**
 * Tells whether a value is a {@link ScaffoldError}, from any copy of the boilerplate.
 *
 * @param value - anything, typically a caught error
 */
export function isScaffoldError(value: unknown): value is ScaffoldError {
  return isAugmentError(value) && value.code.startsWith('AUG_SCAFFOLD_');
}
