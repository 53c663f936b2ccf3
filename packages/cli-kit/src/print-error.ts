// Printing what a CLI caught. An entry of its own (`@augment/cli-kit/print-error`):
// it loads @augment/core for the AugmentError brand, which `--help`,
// `--version` and usage errors never need.
import { isAugmentError, type AugmentError } from '@augment/core';
import type { Output } from './output.js';

/** How {@link printError} prints what it does not know. */
export interface PrintErrorOptions {
  /** The package a bug is reported against: `This is a bug in <packageName>`. */
  readonly packageName: string;
  /**
   * Prints an `AugmentError` (a problem the user can fix) behind `label`
   * (`error:`, red when stderr gets colors). Default: `error: <message>`.
   */
  readonly printAugmentError?: ((error: AugmentError, label: string) => void) | undefined;
}

/**
 * The extra lines an error carries (`BuildError.details`), or none.
 *
 * @param error - anything that was thrown
 */
export function errorDetails(error: unknown): string[] {
  if (typeof error !== 'object' || error === null || !('details' in error)) return [];
  const { details } = error;
  return Array.isArray(details) ? details.filter((d): d is string => typeof d === 'string') : [];
}

/**
 * Prints an error on stderr behind `error:`. An `AugmentError` is a problem
 * with what the user asked for: its message (or what `printAugmentError`
 * prints). Anything else is a bug in the CLI: its stack, then a line that
 * asks to report it.
 *
 * @param output - where to print
 * @param error - what was thrown
 * @param options - the package to report bugs against, and the printer of `AugmentError`s
 */
export function printError(output: Output, error: unknown, options: PrintErrorOptions): void {
  const label = output.styleErr('red', 'error:');
  if (isAugmentError(error)) {
    if (options.printAugmentError === undefined) output.problem(`${label} ${error.message}`);
    else options.printAugmentError(error, label);
    return;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.problem(`${label} ${text}`);
  output.problem(`This is a bug in ${options.packageName}; please report it with the lines above.`);
}
