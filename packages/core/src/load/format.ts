import { constants } from 'node:buffer';
import { basename, dirname, extname } from 'node:path';
import { Script, compileFunction } from 'node:vm';
import { ERROR_CODES, LoadError } from '../errors.js';
import { loopPacer } from '../util/pacer.js';
import { childPath } from '../util/paths.js';
import {
  RefusedFileError,
  readLimited,
  readLimitedSync,
  readSeenFileSync,
} from '../util/read-limited.js';
import type { ModuleFormat } from '../types.js';

/** The `type` of a package scope; `'none'` when its package.json has none (or there is none). */
type PackageType = 'module' | 'commonjs' | 'none';

/**
 * Package-scope lookups shared between {@link detectFormat} calls: directory
 * → the pending `type` lookup of the nearest package.json at or above it.
 * Its contents are private to `detectFormat`. Create one per scan, so a scan
 * of many plugins reads each parent package.json once (even concurrently)
 * and the next scan sees edited files.
 *
 * @inline
 */
export type FormatCache = Map<string, unknown>;

/**
 * What a scan already knows of the `package.json` of a directory: its size,
 * when a walk has just seen it there as a regular file; `null` when the walk
 * saw there is none; undefined when it cannot tell (the file is then read,
 * or looked for, as usual).
 */
export type SeenPackageJson = (dir: string) => number | null | undefined;

/** Syntax errors that only ES module syntax causes in CommonJS. */
const ESM_ONLY_ERRORS = [
  'Cannot use import statement outside a module',
  "Unexpected token 'export'",
  "Cannot use 'import.meta' outside a module",
];

/** Syntax errors in CommonJS that the same source may not have as a module. */
const MAYBE_ESM_ERRORS = [
  "Identifier 'module' has already been declared",
  "Identifier 'exports' has already been declared",
  "Identifier 'require' has already been declared",
  "Identifier '__filename' has already been declared",
  "Identifier '__dirname' has already been declared",
  'await is only valid in async functions and the top level bodies of modules',
  'missing ) after argument list',
];

const CJS_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** The largest package.json read to find a package scope's `type` (as for manifests). */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/**
 * Decides whether Node would load an entry point as an ES module or as
 * CommonJS, with Node's own rules:
 *
 * 1. `.mjs` / `.mts` are ESM; `.cjs` / `.cts` are CommonJS.
 * 2. Any other file (`.js`, …) follows the nearest package.json, looking
 *    from the file's directory up to the filesystem root (never past a
 *    `node_modules` folder): `"type": "module"` → ESM,
 *    `"type": "commonjs"` → CommonJS. A package.json that cannot be read or
 *    parsed counts as one without `type`; one that is not a regular file (a
 *    FIFO, a socket, a device) or is over 1 MiB is refused, since Node would
 *    block, or read without end, when it loads the entry.
 * 3. Without a `type`, Node (≥ 20.19) detects syntax: the source is compiled
 *    as CommonJS; if that fails only because of ES module syntax (`import` /
 *    `export` statements, `import.meta`, top-level `await`), the file is
 *    ESM. Anything else, including a plain syntax error or an unreadable
 *    file, is CommonJS, so that `require()` reports the problem.
 *
 * @param entryPath - absolute path of the entry point
 * @param cache - an empty `Map` you create and pass to several calls: they then share
 *   package.json lookups (its contents are private to `detectFormat`)
 * @returns `'esm'` or `'cjs'`
 * @throws {LoadError} `AUG_LOAD_IMPORT` only when the nearest package.json is
 *   not a regular file or is over 1 MiB (nothing else rejects)
 */
export function detectFormat(entryPath: string, cache?: FormatCache): Promise<ModuleFormat> {
  return detectFormatSeen(entryPath, cache ?? new Map<string, unknown>(), undefined);
}

/**
 * {@link detectFormat} for the scan, which knows from its walk of a plugin
 * which `package.json` files the plugin holds and their sizes.
 */
export async function detectFormatSeen(
  entryPath: string,
  cache: FormatCache,
  seen: SeenPackageJson | undefined,
): Promise<ModuleFormat> {
  const extension = extname(entryPath);
  if (extension === '.mjs' || extension === '.mts') return 'esm';
  if (extension === '.cjs' || extension === '.cts') return 'cjs';
  const type = await lookUpPackageType(dirname(entryPath), cache, seen);
  if (type === 'module') return 'esm';
  if (type === 'commonjs') return 'cjs';
  const source = await readText(entryPath);
  if (source === undefined) return 'cjs';
  // compiling a large bundle takes a while: one at a time per slice of the loop
  const esm = await loopPacer.run(() => containsModuleSyntax(source, entryPath));
  return esm ? 'esm' : 'cjs';
}

/** The type of the package scope `dir` belongs to; caches the promise for `dir`. */
function lookUpPackageType(
  dir: string,
  cache: FormatCache,
  seen: SeenPackageJson | undefined,
): Promise<PackageType> {
  const cached = cache.get(dir);
  if (cached instanceof Promise) return cached as Promise<PackageType>;
  const size = seen?.(dir);
  // a scan of many plugins reads many package.json files: a slice's worth per turn of the loop
  const read =
    size === null
      ? Promise.resolve(undefined)
      : new Promise<PackageType | undefined>((resolve) => {
          resolve(loopPacer.run(() => readPackageType(dir, size)));
        });
  const lookup = read.then((type) => {
    if (type !== undefined) return type;
    const parent = dirname(dir);
    // Node's package scope never crosses a node_modules folder.
    if (parent === dir || basename(parent) === 'node_modules') return 'none';
    return lookUpPackageType(parent, cache, seen);
  });
  // set before the parent is looked up, so the cache lists the nearest directory first
  cache.set(dir, lookup);
  return lookup;
}

/**
 * The `type` of `dir/package.json`, or undefined when there is no such file.
 * Read synchronously: a package.json is small, and a scan reads one per
 * plugin, where the four thread-pool round trips of `readFile` cost more.
 *
 * @param seenSize - its size, when a walk has just seen it as a regular file
 * @throws {LoadError} `AUG_LOAD_IMPORT` when it is not a regular file or is over 1 MiB
 */
function readPackageType(dir: string, seenSize: number | undefined): PackageType | undefined {
  const file = childPath(dir, 'package.json');
  let text: string;
  try {
    text =
      seenSize === undefined
        ? readLimitedSync(file, MAX_PACKAGE_JSON_BYTES)
        : readSeenFileSync(file, seenSize, MAX_PACKAGE_JSON_BYTES);
  } catch (error) {
    if (error instanceof RefusedFileError) {
      throw new LoadError(
        ERROR_CODES.LOAD_IMPORT,
        `${file} ${error.message}: Node would block, or read without end, loading a module of its package, so none was imported. Make it a regular JSON file of at most 1 MiB, or remove it.`,
        { file, cause: error },
      );
    }
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' ? undefined : 'none';
  }
  try {
    const json: unknown = JSON.parse(text);
    const type =
      typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    return type === 'module' || type === 'commonjs' ? type : 'none';
  } catch {
    return 'none';
  }
}

/**
 * Node's syntax detection: true when `source` fails to compile as CommonJS
 * only because it is an ES module.
 */
function containsModuleSyntax(source: string, filename: string): boolean {
  const code = source.replace(/^\uFEFF/, '');
  const asCommonJs = compileError(() => compileFunction(code, CJS_PARAMETERS, { filename }));
  if (asCommonJs === undefined) return false;
  if (ESM_ONLY_ERRORS.some((text) => asCommonJs.includes(text))) return true;
  const maybeEsm =
    asCommonJs.startsWith('Unexpected') ||
    MAYBE_ESM_ERRORS.some((text) => asCommonJs.includes(text));
  if (!maybeEsm) return false;
  // Node then compiles the source as a module. Without vm.SourceTextModule
  // (flagged), an async strict function body is the closest stand-in: it
  // allows top-level await and redeclaring the CommonJS variables.
  const body = code.replace(/^#!.*/, '');
  const asModule = compileError(
    () => new Script(`(async function () {'use strict';${body}\n})`, { filename }),
  );
  return asModule === undefined || ESM_ONLY_ERRORS.some((text) => asModule.includes(text));
}

/** Runs `compile` and returns the message of the error it throws, if any. */
function compileError(compile: () => unknown): string | undefined {
  try {
    compile();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Reads a regular UTF-8 file, or returns undefined when it cannot be read (a
 * FIFO or a device is never read: reading it could block a thread forever).
 */
async function readText(file: string): Promise<string | undefined> {
  try {
    return await readLimited(file, constants.MAX_STRING_LENGTH);
  } catch {
    return undefined;
  }
}
