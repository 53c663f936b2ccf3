// The builder's printer: the shared CLI helpers of @augment/cli-kit (bundled
// into dist/), and the formats only `augment` prints.
import type { Output } from '@augment/cli-kit';

export {
  colorsEnabled,
  createOutput,
  displayPath,
  ignoreClosedPipes,
  plural,
  setColorFlag,
} from '@augment/cli-kit';
export type { Output, OutputStream, Style } from '@augment/cli-kit';

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

/** Prints esbuild's warnings (`file:line:col: text`) on stderr. */
export function printWarnings(output: Output, warnings: readonly string[] | undefined): void {
  for (const warning of warnings ?? []) {
    output.problem(`${output.styleErr('yellow', 'warning:')} ${warning}`);
  }
}
