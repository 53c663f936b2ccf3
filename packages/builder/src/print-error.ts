// Printing errors, apart from output.ts: it needs @augment/core (the
// AugmentError brand) and the error codes, which `--help`, `--version` and
// usage errors never load. The `error:` label and the bug report are
// @augment/cli-kit's; what is the builder's own is how a BuildError shows.
import { dirname } from 'node:path';
import { errorDetails, printError as printCliError } from '@augment/cli-kit/print-error';
import { compileNotes } from './bundle.js';
import { BUILD_ERROR_CODES } from './errors.js';
import type { Output } from './output.js';
import { parseLocated, readSourceLine, renderFrame } from './terminal/frame.js';
import { stripAnsi } from './typecheck.js';

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

/** Where the files that problem lines name are: the project (or the checked folder). */
export interface PrintErrorOptions {
  /** The folder the `file:line:col` of problem lines are relative to. */
  dir?: string | undefined;
}

/** tsc's own report of a type check (`TypecheckResult.formatted`), the cause of `AUG_BUILD_TYPECHECK`. */
function typecheckReport(error: { code: string; cause?: unknown }): string[] | undefined {
  if (error.code !== BUILD_ERROR_CODES.TYPECHECK) return undefined;
  const { cause } = error;
  if (typeof cause !== 'object' || cause === null) return undefined;
  const formatted: unknown = Reflect.get(cause, 'formatted');
  if (!Array.isArray(formatted) || formatted.length === 0) return undefined;
  return formatted.filter((block): block is string => typeof block === 'string');
}

/**
 * The lines printed under a problem line: the code frame when the line has a
 * location in a file that is there, then esbuild's notes for it.
 */
function linesUnder(output: Output, text: string, dir: string, notes: readonly string[]): string[] {
  const located = parseLocated(text);
  const source = located === undefined ? undefined : readSourceLine(dir, located);
  const frame =
    located === undefined || source === undefined
      ? []
      : renderFrame(source, located, (style, part) => output.styleErr(style, part));
  return [...frame, ...notes.map((note) => `    ${output.styleErr('dim', note)}`)];
}

/**
 * Prints an error on stderr. An `AugmentError` (a problem with the project,
 * reported by the builder) gets its message behind `error:`, a code frame
 * under each problem line `file:line:col: …` whose file is there, esbuild's
 * notes, and tsc's own report (source lines, related information) for type
 * errors; anything else is a bug in the builder and gets its stack.
 *
 * @param output - where to print
 * @param error - what was thrown
 * @param options - the folder problem lines are relative to (default: the error's file's folder, or the current one)
 */
export function printError(output: Output, error: unknown, options: PrintErrorOptions = {}): void {
  printCliError(output, error, {
    packageName: '@augment/builder',
    printAugmentError: (augmentError, label) => {
      const dir =
        options.dir ??
        (augmentError.file === undefined ? process.cwd() : dirname(augmentError.file));
      printProjectError(output, augmentError, label, dir);
    },
  });
}

/** Prints an `AugmentError` behind `label`, as {@link printError} describes. */
function printProjectError(
  output: Output,
  error: { code: string; message: string; cause?: unknown },
  label: string,
  dir: string,
): void {
  const [first = '', ...rest] = errorLines(error);
  output.problem(`${label} ${first}`);
  const report = typecheckReport(error);
  const details = new Set(errorDetails(error).map((detail) => `  ${detail}`));
  const notes = error.code === BUILD_ERROR_CODES.COMPILE ? compileNotes(error.cause) : [];
  let index = 0;
  let reported = false;
  for (const line of rest) {
    if (!details.has(line)) {
      output.problem(line);
    } else if (report !== undefined) {
      // tsc's blocks stand for all the problem lines, once
      if (!reported) {
        for (const block of report) {
          output.problem(`${output.errColors ? block : stripAnsi(block)}\n`);
        }
      }
      reported = true;
    } else {
      output.problem(line);
      for (const under of linesUnder(output, line.trim(), dir, notes[index] ?? [])) {
        output.problem(under);
      }
      index += 1;
    }
  }
}
