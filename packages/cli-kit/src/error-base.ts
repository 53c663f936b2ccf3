import type { AugmentError, AugmentErrorDetails } from '@augment/core';

/**
 * The type of core's `AugmentError` without its `code` (whose type lists
 * core's codes only), so that a subclass (`BuildError`, `ScaffoldError`)
 * can narrow `code` to its own. A type only, so nothing is loaded for it: at
 * run time the base is core's class (`AugmentError as unknown as
 * AugmentErrorConstructor`), and `instanceof AugmentError` and
 * `isAugmentError()` hold for the subclass.
 */
export type AugmentErrorConstructor = new (
  code: string,
  message: string,
  details?: AugmentErrorDetails,
) => Error & Omit<AugmentError, 'code'>;
