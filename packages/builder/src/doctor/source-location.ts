// Maps a frame of the built plugin (the copy doctor ran) back to the
// project's source through the source map the build wrote beside it.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawFrame } from './protocol.js';

/** A place in the project's source (absolute path, 1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The function the frame was in, when known. */
  readonly functionName: string | null;
}

/**
 * `augment build` names its sources `augment-plugin:///<name>@<version>/<path>`,
 * `<path>` being the file in the project.
 */
const PLUGIN_SOURCE = /^augment-plugin:\/\/\/(?:@[^/]+\/)?[^/@]+@[^/]+\/(.+)$/u;

/** The project file a source map's `source` names. */
function projectFile(source: string, projectDir: string, distDir: string): string {
  const own = PLUGIN_SOURCE.exec(source);
  if (own?.[1] !== undefined) return join(projectDir, own[1]);
  if (source.startsWith('file:')) return fileURLToPath(source);
  return isAbsolute(source) ? source : resolve(distDir, source);
}

/**
 * Builds a mapper from frames of the copy in `copyDir` to the project's
 * sources; a frame whose file has no readable map (or no mapping there)
 * stays in the built file, named as in the project's `dist/`.
 *
 * @param copyDir - the copy of dist/ the child ran
 * @param distDir - the project's dist/
 * @param projectDir - the project folder
 */
export function createFrameMapper(
  copyDir: string,
  distDir: string,
  projectDir: string,
): (frame: RawFrame) => SourceLocation {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      try {
        const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload;
        maps.set(file, new SourceMap(payload));
      } catch {
        maps.set(file, undefined);
      }
    }
    return maps.get(file);
  };
  const texts = new Map<string, string>();
  const textOf = (file: string): string => {
    if (!texts.has(file)) texts.set(file, readText(file));
    return texts.get(file) ?? '';
  };
  return (frame) => {
    const { line, column } = lineAndColumn(textOf(frame.file), frame.position);
    const built = join(distDir, frame.file.slice(copyDir.length));
    const unmapped = { file: built, line, column, functionName: frame.functionName };
    const entry = mapOf(frame.file)?.findEntry(line - 1, column - 1) as
      Record<string, unknown> | undefined;
    const source = entry?.['originalSource'];
    const originalLine = entry?.['originalLine'];
    const originalColumn = entry?.['originalColumn'];
    if (
      typeof source !== 'string' ||
      typeof originalLine !== 'number' ||
      typeof originalColumn !== 'number'
    ) {
      return unmapped;
    }
    return {
      file: projectFile(source, projectDir, distDir),
      line: originalLine + 1,
      column: originalColumn + 1,
      // V8's name of the function (a map's `name` is the identifier at the position)
      functionName: frame.functionName,
    };
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < position;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: position - lineStart + 1 };
}

/** A frame that core mapped: `augment-plugin:///<name>@<version>/<path>:<line>:<column>`. */
const MAPPED_FRAME = /augment-plugin:\/\/\/(?:@[^/]+\/)?[^/@]+@[^/]+\/([^:()\s]+):(\d+):(\d+)/u;

/**
 * The first plugin frame of a stack that core's source maps mapped, as a
 * place in the project.
 *
 * @param stack - a formatted stack
 * @param projectDir - the project folder
 */
export function locateInStack(
  stack: string | undefined,
  projectDir: string,
): SourceLocation | undefined {
  const match = stack === undefined ? null : MAPPED_FRAME.exec(stack);
  if (match?.[1] === undefined) return undefined;
  return {
    file: join(projectDir, match[1]),
    line: Number(match[2]),
    column: Number(match[3]),
    functionName: null,
  };
}
