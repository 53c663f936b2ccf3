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
