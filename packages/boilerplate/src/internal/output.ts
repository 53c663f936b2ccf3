import { isAbsolute, relative } from 'node:path';
import { styleText } from 'node:util';

/** The text styles the CLI uses. */
export type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan';

/** A stream the CLI writes lines to. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Where the CLI prints: results on `out`, problems on `err`, each colored only when it may be. */
export interface Output {
  /** Prints one line of results to stdout. */
  readonly line: (text: string) => void;
  /** Prints one line about a problem to stderr. */
  readonly problem: (text: string) => void;
  /** Styles text for stdout (returns it unchanged when stdout gets no colors). */
  style(style: Style, text: string): string;
  /** Styles text for stderr (returns it unchanged when stderr gets no colors). */
  styleErr(style: Style, text: string): string;
}

/** Colors only on a TTY, and never when `NO_COLOR` is set to a non-empty value. */
function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

function styler(enabled: boolean): (style: Style, text: string) => string {
  return enabled
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_, text) => text;
}

/** Creates the printer of the CLI (process.stdout and process.stderr by default). */
export function createOutput(
  out: OutputStream = process.stdout,
  err: OutputStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Output {
  return {
    line: (text) => void out.write(`${text}\n`),
    problem: (text) => void err.write(`${text}\n`),
    style: styler(colorsEnabled(out, env)),
    styleErr: styler(colorsEnabled(err, env)),
  };
}

/** A stream that reports failed writes with `'error'` events (process.stdout, process.stderr). */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/**
 * Lets the CLI end quietly when whatever reads its output has gone
 * (`create-augment-plugin --help | head -1`): a write to a closed pipe fails
 * with EPIPE, which would otherwise be an unhandled `'error'` event and a
 * stack trace. The EPIPE is ignored (Node drops later writes to the closed
 * stream), so the CLI finishes its work and exits with its usual code, as
 * other CLIs do. Any other stream error still surfaces as a crash.
 *
 * @param streams - the streams to guard (stdout and stderr by default)
 */
export function ignoreClosedPipes(
  streams: readonly ErrorEmitter[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on('error', (error) => {
      if (isErrorCode(error, 'EPIPE')) return;
      throw error;
    });
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === code;
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

/** Quotes a path for a shell command line when it needs it. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/u.test(path) ? path : `"${path.replace(/(["\\$`])/gu, '\\$1')}"`;
}
