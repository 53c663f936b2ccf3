// Printing errors, apart from output.ts: it needs @augment/core (the
// AugmentError brand) and the error codes, which `--help`, `--version` and
// usage errors never load.
import { isAugmentError } from '@augment/core';
import { BUILD_ERROR_CODES } from './errors.js';
import type { Output } from './output.js';

/** The extra lines an error carries (`BuildError.details`), or none. */
export function errorDetails(error: unknown): string[] {
  if (typeof error !== 'object' || error === null || !('details' in error)) return [];
  const { details } = error;
  return Array.isArray(details) ? details.filter((d): d is string => typeof d === 'string') : [];
}

/** Errors about a missing file, whose detail line only repeats "missing". */
const MISSING_CODES: ReadonlySet<string> = new Set([
  BUILD_ERROR_CODES.NO_MANIFEST,
  BUILD_ERROR_CODES.NO_ENTRY,
]);

/**
 * The lines of an `AugmentError` as the CLI shows them. A `BuildError`'s
 * message is headline, one indented line per problem, then the fix; its
 * `details` hold the same problems. Detail lines that say nothing the other
 * lines do not (a missing file, a cause already in the headline) are dropped,
 * and a message left without any problem line is joined into one line.
 * Details the message does not list are added after it.
 */
export function errorLines(error: { code: string; message: string }): string[] {
  const details = errorDetails(error);
  const listed = new Set(details.map((detail) => `  ${detail}`));
  const lines = error.message.split('\n');
  const redundant = (line: string): boolean =>
    listed.has(line) &&
    (MISSING_CODES.has(error.code) ||
      lines.some((other) => other !== line && other.includes(line.trim())));
  const kept = lines.filter((line) => !redundant(line));
  const extra = details.filter((detail) => !error.message.includes(detail));
  if (extra.length === 0 && !kept.some((line) => listed.has(line))) return [kept.join(' ')];
  return [...kept, ...extra.map((detail) => `  ${detail}`)];
}

/**
 * Prints an error on stderr. An `AugmentError` (a problem with the project,
 * reported by the builder) gets its message and detail lines, behind
 * `error:`; anything else is a bug in the builder and gets its stack.
 */
export function printError(output: Output, error: unknown): void {
  const label = output.styleErr('red', 'error:');
  if (isAugmentError(error)) {
    const [first = '', ...rest] = errorLines(error);
    output.problem(`${label} ${first}`);
    for (const line of rest) output.problem(line);
    return;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.problem(`${label} ${text}`);
  output.problem('This is a bug in @augment/builder; please report it with the lines above.');
}
