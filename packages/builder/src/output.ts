import { isAbsolute, relative } from 'node:path';
import { styleText } from 'node:util';

/** The text styles the CLI uses. */
export type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow';

/** A stream the CLI writes lines to. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Where the CLI prints: results on `out`, problems on `err`, each colored only when it may be. */
export interface Output {
  /** Prints one line of results to stdout. */
  line(text: string): void;
  /** Prints one line about a problem to stderr. */
  problem(text: string): void;
  /** Styles text for stdout (returns it unchanged when stdout gets no colors). */
  style(style: Style, text: string): string;
  /** Styles text for stderr (returns it unchanged when stderr gets no colors). */
  styleErr(style: Style, text: string): string;
  /** Whether stderr gets colors (ANSI escapes from elsewhere, tsc's, are removed when not). */
  readonly errColors: boolean;
}

/** `--color` (true), `--no-color` (false), or neither (undefined): set once by the CLI. */
let colorFlag: boolean | undefined;

/**
 * Records the `--color`/`--no-color` flag of the command line (the last one
 * wins; nothing after `--` counts), before commander parses it, so that even
 * a usage error is printed accordingly. Returns the flag found.
 *
 * @param args - the arguments after `node augment`
 */
export function setColorFlag(args: readonly string[]): boolean | undefined {
  colorFlag = undefined;
  for (const arg of args) {
    if (arg === '--') break;
    if (arg === '--color') colorFlag = true;
    else if (arg === '--no-color') colorFlag = false;
  }
  return colorFlag;
}

/**
 * Tells whether a stream may get ANSI colors. In order: the `--color` or
 * `--no-color` flag; `FORCE_COLOR` set to anything but `0` or `false` turns
 * them on; `NO_COLOR` set to a non-empty value turns them off
 * (https://no-color.org); otherwise only a TTY gets them.
 */
export function colorsEnabled(
  stream: OutputStream,
  env: NodeJS.ProcessEnv = process.env,
  flag: boolean | undefined = colorFlag,
): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true;
}

function styler(enabled: boolean): (style: Style, text: string) => string {
  return enabled
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_, text) => text;
}

/** Creates the printer the commands use (process.stdout and process.stderr by default). */
export function createOutput(
  out: OutputStream = process.stdout,
  err: OutputStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Output {
  const style = styler(colorsEnabled(out, env));
  const errColors = colorsEnabled(err, env);
  const styleErr = styler(errColors);
  return {
    line: (text) => void out.write(`${text}\n`),
    problem: (text) => void err.write(`${text}\n`),
    style,
    styleErr,
    errColors,
  };
}

/**
 * Shows a path the way a user typed it: relative to the current folder when
 * it is inside it, absolute otherwise. Always with `/` separators.
 */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split('\\').join('/');
}

/** Formats a duration for a status line: `18 ms`, `1.24 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Formats a file size for the build summary: `812 B`, `4.2 kB`, `212 kB`, `1.3 MB` (1 kB = 1000 B). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `1 error`, `2 errors`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Prints esbuild's warnings (`file:line:col: text`) on stderr. */
export function printWarnings(output: Output, warnings: readonly string[] | undefined): void {
  for (const warning of warnings ?? []) {
    output.problem(`${output.styleErr('yellow', 'warning:')} ${warning}`);
  }
}

/**
 * Lets the CLI end quietly when whatever reads its output has gone
 * (`augment --help | head -1`): a write to a closed pipe fails with EPIPE,
 * which would otherwise be an unhandled `'error'` event and a stack trace.
 * The EPIPE is ignored (Node drops later writes to the closed stream), so the
 * command finishes its work and exits with its usual code, as other CLIs do.
 * Any other stream error still surfaces as a crash.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: unknown) => {
      if (typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'EPIPE')
        return;
      throw error;
    });
  }
}
