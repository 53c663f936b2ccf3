import { styleText } from 'node:util';
import { colorsEnabled, type OutputStream } from './colors.js';

/** The text styles the CLIs use. */
export type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan';

/** Where a CLI prints: results on `out`, problems on `err`, each colored only when it may be. */
export interface Output {
  /** Prints one line of results to stdout. */
  readonly line: (text: string) => void;
  /** Prints one line about a problem to stderr. */
  readonly problem: (text: string) => void;
  /** Styles text for stdout (returns it unchanged when stdout gets no colors). */
  style(style: Style, text: string): string;
  /** Styles text for stderr (returns it unchanged when stderr gets no colors). */
  styleErr(style: Style, text: string): string;
  /** Whether stderr gets colors (ANSI escapes from elsewhere, tsc's, are removed when not). */
  readonly errColors: boolean;
}

function styler(enabled: boolean): (style: Style, text: string) => string {
  return enabled
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_, text) => text;
}

/**
 * Creates the printer of a CLI, each stream colored as {@link colorsEnabled} decides.
 *
 * @param out - results (process.stdout by default)
 * @param err - problems (process.stderr by default)
 * @param env - the environment (process.env by default)
 */
export function createOutput(
  out: OutputStream = process.stdout,
  err: OutputStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Output {
  const errColors = colorsEnabled(err, env);
  return {
    line: (text) => void out.write(`${text}\n`),
    problem: (text) => void err.write(`${text}\n`),
    style: styler(colorsEnabled(out, env)),
    styleErr: styler(errColors),
    errColors,
  };
}

/**
 * Writes commander's error messages (usage errors) in one line, `error:` in
 * red when stderr gets colors: commander puts "(Did you mean --zip?)" on a
 * line of its own. For commander's `configureOutput({ outputError })`.
 *
 * @param output - decides the colors
 */
export function usageErrorWriter(
  output: Output,
): (text: string, write: (s: string) => void) => void {
  return (text, write) => {
    const line = text.trimEnd().replace(/\n\(Did you mean/gu, ' (did you mean');
    write(`${line.replace(/^error:/u, output.styleErr('red', 'error:'))}\n`);
  };
}
