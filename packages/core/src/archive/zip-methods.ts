// Compression methods: Node inflates stored (0) and deflate (8) only. The
// others an archive tool may choose are named, with how to re-zip.

/** Methods this reader extracts. */
export const SUPPORTED_METHODS: ReadonlySet<number> = new Set([0, 8]);

/** Deflate64 ("enhanced deflate"): 7-Zip's option, Windows Explorer's choice for large files. */
export const DEFLATE64 = 9;

const METHOD_NAMES = new Map<number, string>([
  [1, 'Shrink'],
  [6, 'Implode'],
  [DEFLATE64, 'Deflate64'],
  [12, 'BZip2'],
  [14, 'LZMA'],
  [93, 'Zstandard'],
  [95, 'XZ'],
  [98, 'PPMd'],
  [99, 'AES encryption'],
]);

/** What to do about an unsupported method. */
export const REZIP =
  'Re-zip the plugin with deflate: `augment build --zip`, `zip -r plugin.zip .`, or 7-Zip with `-mm=Deflate`.';

/**
 * Describes an unsupported compression method, or returns `undefined` for
 * stored and deflate.
 *
 * @param method - the central record's compression method
 */
export function findMethodProblem(method: number): string | undefined {
  if (SUPPORTED_METHODS.has(method)) return undefined;
  const name = METHOD_NAMES.get(method);
  if (method === DEFLATE64) {
    return 'it uses compression method 9 (Deflate64, which 7-Zip offers and Windows Explorer picks for large files); only stored (0) and deflate (8) are supported';
  }
  const named = name === undefined ? '' : ` (${name})`;
  return `it uses compression method ${method}${named}; only stored (0) and deflate (8) are supported`;
}
