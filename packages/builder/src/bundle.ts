import { isAbsolute, join, relative } from 'node:path';
import type { BuildOptions as EsbuildOptions, Message, OutputFile } from 'esbuild';
import type { ProjectPackage, ProjectPaths } from './config.js';
import { BUILD_ERROR_CODES, buildError, describe, type BuildError } from './errors.js';
import { SHIM_NAMES } from './prelude.js';

/** How a bundle is made. */
export interface BundleSettings {
  readonly format: 'esm' | 'cjs';
  /** Write a linked `index.js.map`. */
  readonly sourcemap: boolean;
  /** Minify (whitespace, syntax and local names); the map stays exact. */
  readonly minify: boolean;
}

/**
 * The esbuild options that bundle `src/index.ts` into `dist/index.js`: every
 * dependency bundled, peer dependencies (and their subpaths) and Node
 * builtins external, nothing written (the caller stages the output). No
 * banner: `__filename`/`__dirname` (ESM) and `import.meta.url` (CommonJS) are
 * renamed through `define`, and `addPrelude` defines them after the build
 * only when the code uses them, after any directive.
 *
 * @param paths - the project's layout
 * @param pkg - its package.json facts
 * @param settings - format, source map and minification
 */
export function esbuildOptions(
  paths: ProjectPaths,
  pkg: ProjectPackage,
  settings: BundleSettings,
): EsbuildOptions & { write: false } {
  const external = pkg.peerDependencies.flatMap((name) => [name, `${name}/*`]);
  return {
    absWorkingDir: paths.dir,
    entryPoints: [paths.entry],
    outfile: join(paths.dist, 'index.js'),
    bundle: true,
    platform: 'node',
    format: settings.format,
    target: pkg.target,
    external,
    sourcemap: settings.sourcemap ? 'linked' : false,
    sourcesContent: true,
    minify: settings.minify,
    write: false,
    logLevel: 'silent',
    define:
      settings.format === 'esm'
        ? { __filename: SHIM_NAMES.filename, __dirname: SHIM_NAMES.dirname }
        : { 'import.meta.url': SHIM_NAMES.importMetaUrl },
  };
}

/** The files esbuild produced, by role. */
export interface BundleOutput {
  readonly js: Uint8Array;
  readonly map: Uint8Array | undefined;
}

/**
 * Picks `index.js` and `index.js.map` out of esbuild's in-memory output.
 *
 * @param files - `result.outputFiles`
 */
export function pickOutput(files: readonly OutputFile[]): BundleOutput {
  const js = files.find((file) => file.path.endsWith('.js'));
  const map = files.find((file) => file.path.endsWith('.js.map'));
  if (js === undefined) throw new Error('esbuild produced no index.js');
  return { js: js.contents, map: map?.contents };
}

/**
 * Formats esbuild messages as `file:line:col: text` (1-based column, file
 * relative to the project).
 *
 * @param messages - esbuild errors or warnings
 * @param dir - the project root
 */
export function formatMessages(messages: readonly Message[], dir: string): string[] {
  return messages.map((message) => {
    const location = message.location;
    if (location === null) return message.text;
    // esbuild names files relative to absWorkingDir (the project) already.
    const name = isAbsolute(location.file) ? relative(dir, location.file) : location.file;
    const file = name.split('\\').join('/');
    const column = byteToCharColumn(location.lineText, location.column) + 1;
    return `${file}:${location.line}:${column}: ${withInstallHint(message.text)}`;
  });
}

/** esbuild's `Could not resolve "zod"`, for a package name (not a relative path or a builtin). */
const UNRESOLVED_PACKAGE = /^Could not resolve "((?:@[^/"]+\/)?[^./"][^/"]*)(?:\/[^"]*)?"$/u;

/** The package an unresolved bare import names, or undefined. */
function unresolvedPackage(text: string): string | undefined {
  const name = UNRESOLVED_PACKAGE.exec(text)?.[1];
  return name === undefined || name.startsWith('node:') ? undefined : name;
}

/** Says what to do about an import of a package that is not installed. */
function withInstallHint(text: string): string {
  const name = unresolvedPackage(text);
  if (name === undefined) return text;
  return `${text}: the package is not installed. Run \`npm install ${name}\` to bundle it, or add "${name}" to peerDependencies if the host provides it.`;
}

/**
 * The notes of each esbuild error behind an `AUG_BUILD_COMPILE` error (its
 * `cause`), in the order of its `details`; esbuild's advice to mark an
 * unresolved package as external is left out: the install hint replaces it.
 *
 * @param cause - what esbuild threw
 */
export function compileNotes(cause: unknown): string[][] {
  return (esbuildErrors(cause) ?? []).map((message) => {
    const external = unresolvedPackage(message.text) !== undefined;
    return message.notes
      .map((note) => note.text)
      .filter((text) => text !== '' && !(external && text.startsWith('You can mark the path')));
  });
}

function byteToCharColumn(lineText: string, byteColumn: number): number {
  return Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8').length;
}

/**
 * Turns a rejection of esbuild's `build()` / `rebuild()` into a
 * `AUG_BUILD_COMPILE` {@link BuildError} listing every error.
 *
 * @param error - what esbuild threw
 * @param paths - the project's layout
 */
export function compileError(error: unknown, paths: ProjectPaths): BuildError {
  const messages = esbuildErrors(error);
  const problems = messages === undefined ? [describe(error)] : formatMessages(messages, paths.dir);
  const count = problems.length === 1 ? 'an error' : `${problems.length} errors`;
  return buildError(
    BUILD_ERROR_CODES.COMPILE,
    `Bundling ${paths.entry} failed with ${count}:`,
    problems,
    'Fix the code (or the import that cannot be resolved) and build again; dist/ was left as it was.',
    { file: paths.entry, cause: error },
  );
}

function esbuildErrors(error: unknown): Message[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const errors: unknown = Reflect.get(error, 'errors');
  return Array.isArray(errors) && errors.length > 0 ? (errors as Message[]) : undefined;
}
