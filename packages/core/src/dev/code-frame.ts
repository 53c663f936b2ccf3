import { fileURLToPath } from 'node:url';
import { readLimitedSync } from '../util/read-limited.js';

/** The biggest file a frame is read from (a plugin bundle of a few hundred KB fits). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** How much of a long line (minified code) a frame shows, around the column. */
const MAX_LINE_CHARS = 160;

/** How much of a stack is looked at. */
const MAX_STACK_CHARS = 8192;

/** The end of a stack frame's line: `:line:column`, then `)` when the location is in parentheses. */
const LINE_COLUMN = /:(\d+):(\d+)\)?$/;

/** A location that is a file: an absolute path or a `file:` URL. */
const FILE_LOCATION = /^(?:file:\/\/|\/|[A-Za-z]:[\\/])/;

/** This module's file: in the published bundle, all of core, whose frames are never the plugin's. */
const OWN_FILE = fileURLToPath(import.meta.url);

/**
 * The code frame of an error, for `augment dev` to print: the one Node puts
 * at the head of a syntax error's stack (file and line, the line of code, a
 * caret), or, when `thrown` (the plugin's code threw while it was imported),
 * one made from the top frame of the stack that is not core's own: that line of the file, read
 * again, with a caret under the column (the file a source map names, when
 * the plugin ships one). Never throws, whatever was thrown.
 *
 * @param error - the original error
 * @param thrown - whether to make a frame from the top of the stack
 */
export function codeFrame(
  error: unknown,
  thrown = false,
): { file: string; frame: string } | undefined {
  let stack: unknown;
  try {
    stack = typeof error === 'object' && error !== null ? Reflect.get(error, 'stack') : undefined;
  } catch {
    return undefined;
  }
  if (typeof stack !== 'string') return undefined;
  const text = stack.slice(0, MAX_STACK_CHARS);
  const head = /^([^\n]+?):(\d+)\n([^\n]*)\n([ \t]*\^+)[^\n]*\n/.exec(text);
  if (head !== null) {
    const [, where = '', line = '', code = '', caret = ''] = head;
    // Node names an ES module by its file: URL
    return { file: toPath(where) ?? where, frame: `${where}:${line}\n${code}\n${caret}` };
  }
  if (!thrown) return undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const end = line.startsWith('at ') ? LINE_COLUMN.exec(line) : null;
    if (end === null) continue;
    const body = line.slice(3, end.index);
    const where = body.slice(body.lastIndexOf('(') + 1);
    if (!FILE_LOCATION.test(where)) continue;
    const file = toPath(where);
    if (file !== undefined && file !== OWN_FILE) {
      return frameAt(file, Number(end[1]), Number(end[2]));
    }
  }
  return undefined;
}

function toPath(where: string): string | undefined {
  try {
    return where.startsWith('file:') ? fileURLToPath(where) : where;
  } catch {
    return undefined;
  }
}

function frameAt(
  file: string,
  line: number,
  column: number,
): { file: string; frame: string } | undefined {
  try {
    const code = readLine(file, line);
    if (code === undefined) return undefined;
    const start = Math.max(
      0,
      Math.min(column - 1 - MAX_LINE_CHARS / 2, code.length - MAX_LINE_CHARS),
    );
    const shown = code.slice(start, start + MAX_LINE_CHARS);
    const caret = `${' '.repeat(Math.max(0, column - 1 - start))}^`;
    return { file, frame: `${file}:${String(line)}:${String(column)}\n${shown}\n${caret}` };
  } catch {
    return undefined;
  }
}

/** Line `line` (1-based) of a regular file no bigger than {@link MAX_FILE_BYTES}; throws otherwise. */
function readLine(file: string, line: number): string | undefined {
  return readLimitedSync(file, MAX_FILE_BYTES).split(/\r?\n/)[line - 1];
}
