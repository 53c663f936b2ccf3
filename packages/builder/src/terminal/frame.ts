// Code frames under problem lines, laid out as esbuild lays out its own:
//
//   src/index.ts:2:18: Expected identifier but found ";"
//       2 │ export const y = ;
//         ╵                  ^
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Style } from '../output.js';

/** A problem line `file:line:col: message`, taken apart (line and column 1-based). */
export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** `file:line:col: message`; the file has no `:` of its own (a relative path). */
const LOCATED = /^([^\s:][^:]*):(\d+):(\d+): (.*)$/u;

/**
 * Reads the location of a problem line, or undefined when it has none (tsc's
 * `file:line:col - error TS…` lines have theirs in another form).
 *
 * @param text - one problem line, without its indentation
 */
export function parseLocated(text: string): Located | undefined {
  const match = LOCATED.exec(text);
  if (match === null) return undefined;
  const [, file = '', line = '0', column = '0', message = ''] = match;
  return { file, line: Number(line), column: Number(column), message };
}

/** Files larger than this get no frame (a frame reads the whole file). */
const MAX_FRAME_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The source line a location points at, read from `dir`, or undefined when
 * the file is not there (a problem inside a zip) or has no such line.
 */
export function readSourceLine(dir: string, located: Located): string | undefined {
  const path = resolve(dir, located.file);
  try {
    if (statSync(path).size > MAX_FRAME_FILE_BYTES) return undefined;
    const lines = readFileSync(path, 'utf8')
      .replace(/^\uFEFF/u, '')
      .split(/\r?\n/u);
    return lines[located.line - 1];
  } catch {
    return undefined;
  }
}

/**
 * The two lines of a frame: the source line behind its number, then a caret
 * under the column (`~` under the rest of the span when `length` is given).
 *
 * @param lineText - the source line
 * @param located - where the problem is
 * @param style - colors the caret and dims the gutter (identity when colors are off)
 * @param length - how many characters the problem spans
 */
export function renderFrame(
  lineText: string,
  located: Pick<Located, 'line' | 'column'>,
  style: (style: Style, text: string) => string,
  length = 0,
): string[] {
  const number = String(located.line);
  const gutter = ' '.repeat(number.length);
  const before = lineText.slice(0, Math.max(located.column - 1, 0));
  // a tab before the column stays a tab, so that the caret lines up in any terminal
  const pad = before.replace(/[^\t]/gu, ' ');
  const mark = length > 1 ? '~'.repeat(length) : '^';
  return [
    `    ${style('dim', `${number} │`)} ${lineText.replace(/\s+$/u, '')}`,
    `    ${style('dim', `${gutter} ╵`)} ${pad}${style('green', mark)}`,
  ];
}
