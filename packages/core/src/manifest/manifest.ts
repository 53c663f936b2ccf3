import { resolve } from 'node:path';
import { ERROR_CODES, describeError, isAugmentError, ManifestError } from '../errors.js';
import { findJsonErrorPosition } from './json-error.js';
import { fastManifest } from './fast.js';
import { crossFieldIssues } from './plugin-dependencies.js';
import { realPath, statPath } from '../util/fs.js';
import {
  RefusedFileError,
  notRegular,
  readLimited,
  readLimitedSync,
  readSeenFileSync,
} from '../util/read-limited.js';
import { childPath, isInside, isSafeRelativePath } from '../util/paths.js';
import { MANIFEST_FILE, getManifestSchema } from './schema.js';
import type { Manifest } from '../types.js';

export { MANIFEST_FILE };

/**
 * The largest `plugin.manifest.json` the host reads: 1 MiB. A larger one is
 * not read past this size and fails with `AUG_MANIFEST_UNREADABLE`, as does
 * one that is not a regular file (a FIFO, a socket, a device, or a symlink to
 * one), which is never read at all.
 */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** One broken rule of a manifest: where (`"entryPoint"`, `"engines.host"`, `"(root)"`) and what was expected. */
export interface ManifestValidationIssue {
  /** Dotted JSON path of the offending value, or `"(root)"` for the manifest itself. */
  readonly path: string;
  /**
   * The same path as property names (and array indexes), `[]` for the
   * manifest itself: unambiguous where a key holds a `.`, as plugin names in
   * `pluginDependencies` may (`["pluginDependencies", "@acme/x.y"]`).
   */
  readonly segments: readonly (string | number)[];
  /**
   * `"key"` when the key at `segments` is what is wrong (a plugin name in
   * `pluginDependencies`), `"value"` when its value is.
   */
  readonly part: 'key' | 'value';
  /** What the value must be, e.g. `must be a semantic version like "1.0.0"`. */
  readonly message: string;
}

/**
 * Checks a parsed manifest against the rules of `plugin.manifest.json`. Pure:
 * no I/O, and the input is never changed. Besides the rules of
 * `getManifestJsonSchema()`, `engines.host` and the values of
 * `pluginDependencies` / `optionalPluginDependencies` must be ranges
 * `semver.validRange` accepts, a plugin may not name itself in them, and a
 * name may be in only one of the two.
 *
 * @param json - the parsed contents of `plugin.manifest.json`, any value
 * @param file - path used in the error message
 * @returns a new manifest object; `meta` is `{}` when absent, unknown keys are kept (except `__proto__`)
 * @throws {ManifestError} `AUG_MANIFEST_INVALID` listing every problem at once; read them with {@link getManifestIssues}
 * @example
 * const manifest = validateManifest({ name: 'hello', version: '1.0.0', entryPoint: './dist/index.js' });
 * manifest.meta; // {}
 */
export function validateManifest(json: unknown, file?: string): Manifest {
  // the common case without building the schema (its own tests prove they agree)
  const fast = fastManifest(json);
  if (fast !== undefined) return fast;
  let plugin: string | undefined;
  let issues: ManifestValidationIssue[];
  const manifestSchema = getManifestSchema();
  try {
    const name: unknown = typeof json === 'object' && json !== null ? Reflect.get(json, 'name') : 0;
    plugin = manifestSchema.shape.name.safeParse(name).data;
    const result = manifestSchema.safeParse(json);
    const crossField = crossFieldIssues(json);
    if (result.success && crossField.length === 0) return result.data;
    issues = [
      ...(result.error?.issues ?? []).map((issue) =>
        toIssue(issue.path, issue.message, issue.code === 'invalid_key' ? 'key' : 'value'),
      ),
      ...crossField.map((issue) => toIssue(issue.path, issue.message, 'key')),
    ];
  } catch (error) {
    issues = [toIssue([], `could not be read: ${describeError(error)}`, 'value')];
  }
  const where = `${plugin === undefined ? '' : `Plugin "${plugin}": `}${file ?? MANIFEST_FILE}`;
  const lines = issues.map((issue) => `- ${issue.path}: ${issue.message}`).join('\n');
  const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
  const fix = `Fix ${issues.length === 1 ? 'it' : 'them'} and try again (editors can check the file against @augment/core/plugin.manifest.schema.json).`;
  const message = `${where} has ${count}:\n${lines}\n${fix}`;
  const error = new ManifestError(ERROR_CODES.MANIFEST_INVALID, message, { plugin, file });
  throw Object.assign(error, { issues: Object.freeze(issues) });
}

function toIssue(
  path: readonly PropertyKey[],
  message: string,
  part: 'key' | 'value',
): ManifestValidationIssue {
  const segments = Object.freeze(path.map((key) => (typeof key === 'number' ? key : String(key))));
  const dotted = segments.length === 0 ? '(root)' : segments.join('.');
  return { path: dotted, segments, part, message };
}

/**
 * Lists the problems of an `AUG_MANIFEST_INVALID` error from {@link validateManifest}.
 *
 * @param error - anything, typically a caught error
 * @returns each problem with its JSON path, or `[]` for any other value
 */
export function getManifestIssues(error: unknown): readonly ManifestValidationIssue[] {
  if (!isAugmentError(error) || error.code !== ERROR_CODES.MANIFEST_INVALID) return [];
  const issues: unknown = Reflect.get(error, 'issues');
  return Array.isArray(issues) ? (issues as ManifestValidationIssue[]) : [];
}

/**
 * Parses the text of `plugin.manifest.json` (a leading UTF-8 BOM is ignored)
 * and validates it with {@link validateManifest}.
 *
 * @param text - the file's contents
 * @param file - path used in error messages
 * @throws {ManifestError} `AUG_MANIFEST_PARSE` for bad JSON (with line and column), `AUG_MANIFEST_INVALID` for broken rules
 */
export function parseManifest(text: string, file?: string): Manifest {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    const position = findJsonErrorPosition(json, describeError(error));
    const at = position === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
    throw new ManifestError(
      ERROR_CODES.MANIFEST_PARSE,
      `${file ?? MANIFEST_FILE} is not valid JSON${at}: ${describeError(error)}. Fix the JSON syntax (double-quoted keys and strings, no comments or trailing commas).`,
      { file, cause: error },
    );
  }
  return validateManifest(parsed, file);
}

/**
 * Reads and validates `<dir>/plugin.manifest.json`.
 *
 * @param dir - the plugin directory
 * @throws {ManifestError} `AUG_MANIFEST_UNREADABLE` when the file is missing,
 *   cannot be read, is not a regular file or is over {@link MAX_MANIFEST_BYTES};
 *   `AUG_MANIFEST_PARSE`, `AUG_MANIFEST_INVALID`
 */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = resolve(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readLimited(file, MAX_MANIFEST_BYTES);
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseManifest(text, file);
}

/**
 * {@link readManifest}, synchronously: for discovery, which reads one small
 * file per plugin and yields between plugins (a synchronous read of a small
 * file costs a fraction of the four thread-pool round trips of `readFile`).
 *
 * @param seenSize - the size a walk of `dir` has just seen the manifest have,
 *   as a regular file: it is then read without an `fstat`
 */
export function readManifestSync(dir: string, seenSize?: number): Manifest {
  const file = childPath(dir, MANIFEST_FILE);
  let text: string;
  try {
    text =
      seenSize === undefined
        ? readLimitedSync(file, MAX_MANIFEST_BYTES)
        : readSeenFileSync(file, seenSize, MAX_MANIFEST_BYTES);
  } catch (error) {
    throw unreadable(file, error);
  }
  return parseManifest(text, file);
}

function unreadable(file: string, error: unknown): ManifestError {
  const message =
    error instanceof RefusedFileError
      ? `${file} ${error.message}: it was not read. Make it a regular JSON file of at most 1 MiB.`
      : errorCode(error) === 'ENOENT'
        ? `${file} is missing. Add a ${MANIFEST_FILE} with "name", "version" and "entryPoint" to the plugin directory.`
        : `${file} could not be read: ${describeError(error)}. Check that it is a readable file.`;
  return new ManifestError(ERROR_CODES.MANIFEST_UNREADABLE, message, { file, cause: error });
}

/**
 * Checks the files a valid manifest names: its entry point must exist, be a
 * file, and on its real path (symlinks resolved, on both sides) stay inside
 * the real plugin directory. Kept apart from {@link validateManifest} so that
 * a manifest can be checked before its plugin is built.
 *
 * @param manifest - a manifest returned by {@link validateManifest}
 * @param dir - the plugin directory the manifest came from
 * @returns the real path of the entry file
 * @throws {ManifestError} `AUG_ENTRY_MISSING` (absent, or not a regular file: a
 *   directory, FIFO, socket or device), `AUG_ENTRY_OUTSIDE`
 */
export async function checkManifestFiles(manifest: Manifest, dir: string): Promise<string> {
  return checkEntryFile(manifest, dir, undefined);
}

/**
 * {@link checkManifestFiles} for a directory whose real path is known
 * (`realDir`), which saves resolving it again; `undefined` resolves it.
 */
export async function checkEntryFile(
  manifest: Manifest,
  dir: string,
  realDir: string | undefined,
): Promise<string> {
  const { name, entryPoint } = manifest;
  const manifestFile = resolve(dir, MANIFEST_FILE);
  const safe = typeof entryPoint === 'string' && isSafeRelativePath(entryPoint);
  const entry = safe ? resolve(dir, entryPoint) : JSON.stringify(entryPoint);
  const fail = (
    code: typeof ERROR_CODES.ENTRY_MISSING | typeof ERROR_CODES.ENTRY_OUTSIDE,
    problem: string,
    cause?: unknown,
  ) =>
    new ManifestError(code, `Plugin "${name}": entry point ${entry} ${problem}`, {
      plugin: name,
      file: entry,
      cause,
    });
  if (!safe) {
    throw fail(
      ERROR_CODES.ENTRY_OUTSIDE,
      `is not a relative path inside the plugin directory. Fix "entryPoint" in ${manifestFile}.`,
    );
  }
  const fix = `Build the plugin, or fix "entryPoint" in ${manifestFile}.`;
  let realRoot: string;
  let realEntry: string;
  try {
    [realRoot, realEntry] = await Promise.all([realDir ?? realPath(dir), realPath(entry)]);
  } catch (error) {
    const problem =
      errorCode(error) === 'ENOENT'
        ? 'does not exist'
        : `cannot be resolved (${describeError(error)})`;
    throw fail(ERROR_CODES.ENTRY_MISSING, `${problem}. ${fix}`, error);
  }
  if (!isInside(realRoot, realEntry)) {
    throw fail(
      ERROR_CODES.ENTRY_OUTSIDE,
      `resolves to ${realEntry}, outside the plugin directory ${realRoot}. Keep the entry file inside the plugin (no symlink leading out) and fix "entryPoint" in ${manifestFile}.`,
    );
  }
  const stats = await statPath(realEntry).catch((error: unknown) => {
    throw fail(
      ERROR_CODES.ENTRY_MISSING,
      `cannot be read (${describeError(error)}). ${fix}`,
      error,
    );
  });
  // a FIFO or a device would block the import (or never end): never hand one to Node
  if (!stats.isFile())
    throw fail(ERROR_CODES.ENTRY_MISSING, `${notRegular(stats).message}. ${fix}`);
  return realEntry;
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
}
