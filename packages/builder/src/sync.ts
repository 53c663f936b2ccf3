import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST_FILE } from '@augment/core';
import { applyEdits, modify, parseTree, type ParseError } from 'jsonc-parser';
import { BUILD_ERROR_CODES, buildError, describe } from './errors.js';
import { locateJson } from './json-locations.js';
import { packageFields, sameName } from './manifest-project.js';

/** One field {@link sync} changed in `plugin.manifest.json`. */
export interface SyncChange {
  readonly key: 'name' | 'version';
  /** The manifest's value before, `undefined` when it had none. */
  readonly from: unknown;
  /** package.json's value, now the manifest's too. */
  readonly to: string;
}

/** What {@link sync} did. */
export interface SyncResult {
  /** Absolute path of `plugin.manifest.json`. */
  readonly manifestFile: string;
  /** The fields it changed; empty when the manifest already agreed. */
  readonly changes: readonly SyncChange[];
}

/**
 * Copies `name` and `version` from a project's `package.json` into its
 * `plugin.manifest.json`, changing nothing else in the file (its indentation,
 * key order and other keys stay as they are). A manifest named after the
 * package without its scope (`x` for `@scope/x`) keeps its name. Writes the
 * file only when something changed.
 *
 * @param dir - the plugin project; default: the current folder
 * @throws {BuildError} `AUG_BUILD_SYNC` (package.json missing, not JSON, or
 *   without a string `name` and `version`; the manifest not writable),
 *   `AUG_BUILD_NO_MANIFEST`, `AUG_BUILD_MANIFEST_INVALID` (not a JSON object)
 */
export async function sync(dir: string = process.cwd()): Promise<SyncResult> {
  const root = resolve(dir);
  const packageFile = join(root, 'package.json');
  const manifestFile = join(root, MANIFEST_FILE);
  const packageText = await readFile(packageFile, 'utf8').catch((error: unknown) => {
    throw syncError(`${packageFile} could not be read (${describe(error)}).`, error);
  });
  const pkg = packageFields(packageText);
  if (pkg.name === undefined || pkg.version === undefined) {
    throw syncError(`${packageFile} has no string "name" and "version" to copy.`);
  }
  const text = await readFile(manifestFile, 'utf8').catch((error: unknown) => {
    throw buildError(
      BUILD_ERROR_CODES.NO_MANIFEST,
      `${manifestFile} could not be read (${describe(error)}).`,
      [],
      `Create it with "name", "version" and "entryPoint": "./dist/index.js".`,
      { file: manifestFile, cause: error },
    );
  });
  const current = readObject(text, manifestFile);
  const changes: SyncChange[] = [];
  const name = current['name'];
  if (typeof name !== 'string' || !sameName(name, pkg.name)) {
    changes.push({ key: 'name', from: name, to: pkg.name });
  }
  if (current['version'] !== pkg.version) {
    changes.push({ key: 'version', from: current['version'], to: pkg.version });
  }
  if (changes.length === 0) return { manifestFile, changes };
  // edited without a leading BOM (its offsets would be off by one), which is put back
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  let updated = text.slice(bom.length);
  const formattingOptions = detectFormatting(updated);
  for (const change of changes) {
    updated = applyEdits(updated, modify(updated, [change.key], change.to, { formattingOptions }));
  }
  await writeFile(manifestFile, bom + updated).catch((error: unknown) => {
    throw syncError(`${manifestFile} could not be written (${describe(error)}).`, error);
  });
  return { manifestFile, changes };
}

/** The manifest as a JSON object, or an error at the first syntax problem. */
function readObject(text: string, file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const root = parseTree(text.replace(/^\uFEFF/u, ''), errors, { disallowComments: true });
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch (error) {
    json = error;
  }
  if (root?.type === 'object' && errors.length === 0 && !(json instanceof Error)) {
    return json as Record<string, unknown>;
  }
  const { line, column } = locateJson(text).at([]);
  const why = json instanceof Error ? json.message : 'it is not a JSON object';
  throw buildError(
    BUILD_ERROR_CODES.MANIFEST_INVALID,
    `${file} could not be updated:`,
    [`${MANIFEST_FILE}:${line}:${column}: ${why}`],
    'Fix its JSON syntax, then run `augment sync` again.',
    { file },
  );
}

/** Two spaces, four, or tabs: whatever the file's first indented line uses. */
function detectFormatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const indent = /^[ \t]+/mu.exec(text)?.[0] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/**
 * Stages a file in git (`git add`) when `dir` is inside a git work tree, for
 * npm's `version` script: what it stages, `npm version` commits.
 *
 * @param dir - the project
 * @param file - the file to stage
 * @returns whether it was staged; false outside a work tree or without git
 * @throws {BuildError} `AUG_BUILD_SYNC` when `git add` fails in a work tree
 */
export async function stageInGit(dir: string, file: string): Promise<boolean> {
  const run = promisify(execFile);
  const inside = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir }).then(
    ({ stdout }) => stdout.trim() === 'true',
    () => false,
  );
  if (!inside) return false;
  await run('git', ['add', '--', file], { cwd: dir }).catch((error: unknown) => {
    throw syncError(`git add ${file} failed (${describe(error)}).`, error);
  });
  return true;
}

function syncError(headline: string, cause?: unknown) {
  return buildError(
    BUILD_ERROR_CODES.SYNC,
    headline,
    [],
    `augment sync copies "name" and "version" from package.json into ${MANIFEST_FILE}: run it in the plugin project's folder.`,
    { cause },
  );
}
