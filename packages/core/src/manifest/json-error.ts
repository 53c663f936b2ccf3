/** Where a JSON syntax error is: both 1-based, columns counted in UTF-16 units. */
export interface JsonErrorPosition {
  /** The line, from 1. */
  readonly line: number;
  /** The column, from 1. */
  readonly column: number;
}

/** Sticky RFC 8259 tokens, to locate the errors V8 reports without a position. */
const SPACE = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON strings must not hold raw control characters
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[\da-fA-F]{4}))*"/y;
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * Locates the syntax error that made `JSON.parse(text)` throw: at the offset
 * V8 names in `message` ("… at position 12"), or else at the first error a
 * scan of `text` finds.
 *
 * @param text - the text given to `JSON.parse`
 * @param message - the message of the error it threw
 * @returns the line and column, or `undefined` when no position is known
 */
export function findJsonErrorPosition(
  text: string,
  message: string,
): JsonErrorPosition | undefined {
  const reported = /at position (\d+)/.exec(message)?.[1];
  const offset = reported === undefined ? findJsonError(text) : Number(reported);
  if (offset < 0) return undefined;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** Offset of the first JSON syntax error in `text`, or -1 when none is found. */
function findJsonError(text: string): number {
  let at = 0;
  const eat = (token: RegExp | string): boolean => {
    if (typeof token === 'string') {
      if (text[at] !== token) return false;
      at += 1;
      return true;
    }
    token.lastIndex = at;
    if (!token.test(text)) return false;
    at = token.lastIndex;
    return true;
  };
  const value = (): boolean => {
    eat(SPACE);
    if (!eat('{') && !eat('[')) return eat(STRING) || eat(SCALAR);
    const close = text[at - 1] === '{' ? '}' : ']';
    if (eat(SPACE) && eat(close)) return true;
    do {
      if (close === '}' && !(eat(SPACE) && eat(STRING) && eat(SPACE) && eat(':'))) return false;
      if (!(value() && eat(SPACE))) return false;
    } while (eat(','));
    return eat(close);
  };
  try {
    return value() && eat(SPACE) && at === text.length ? -1 : at;
  } catch {
    return -1; // nesting too deep for this scanner: report no position
  }
}
