// Whether a stream gets ANSI colors, decided the same way by every CLI of
// the repository: the flag, then FORCE_COLOR, then NO_COLOR, then the TTY.

/** A stream the CLI writes lines to. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** `--color` (true), `--no-color` (false), or neither (undefined): set once by the CLI. */
let colorFlag: boolean | undefined;

/**
 * Records the `--color`/`--no-color` flag of the command line (the last one
 * wins; nothing after `--` counts), before commander parses it, so that even
 * a usage error is printed accordingly. Returns the flag found.
 *
 * @param args - the arguments after `node <bin>`
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
 *
 * @param stream - where the text goes
 * @param env - the environment (process.env by default)
 * @param flag - the command line's flag (the one {@link setColorFlag} recorded by default)
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
