import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

/** A 1-based position in a text file, as editors and compilers count. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** Where the keys and values of one JSON document are. */
export interface JsonLocations {
  /**
   * The position of a property's key (`'key'`) or of its value (`'value'`).
   * A path that is not in the document falls back to its nearest ancestor
   * that is, down to the document itself.
   *
   * @param path - property names from the root, `[]` for the document
   */
  at(path: readonly (string | number)[], part?: 'key' | 'value'): TextPosition;
  /** `file:line:col` for {@link JsonLocations.at}. */
  label(file: string, path: readonly (string | number)[], part?: 'key' | 'value'): string;
}

/**
 * Locates the keys and values of a JSON text (a leading BOM is not counted:
 * editors do not show it). A text that does not parse yields 1:1 for every path.
 *
 * @param text - the file's contents
 */
export function locateJson(text: string): JsonLocations {
  const source = text.replace(/^\uFEFF/u, '');
  const root = parseTree(source, [], { disallowComments: true });
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) {
    lineStarts.push(i + 1);
  }
  const position = (offset: number): TextPosition => {
    let line = lineStarts.length - 1;
    while (line > 0 && (lineStarts[line] ?? 0) > offset) line -= 1;
    return { line: line + 1, column: offset - (lineStarts[line] ?? 0) + 1 };
  };
  const at = (path: readonly (string | number)[], part: 'key' | 'value' = 'value') => {
    const node = nearestNode(root, path);
    if (node === undefined) return { line: 1, column: 1 };
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    return position(part === 'key' && key !== undefined ? key.offset : node.offset);
  };
  return {
    at,
    label(file, path, part) {
      const { line, column } = at(path, part);
      return `${file}:${line}:${column}`;
    },
  };
}

function nearestNode(root: Node | undefined, path: readonly (string | number)[]): Node | undefined {
  if (root === undefined) return undefined;
  for (let depth = path.length; depth > 0; depth -= 1) {
    const node = findNodeAtLocation(root, path.slice(0, depth));
    if (node !== undefined) return node;
  }
  return root;
}
