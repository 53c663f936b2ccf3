import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  DEFAULT_ARCHIVE_LIMITS,
  MANIFEST_FILE,
  checkManifestFiles,
  getManifestIssues,
  isAugmentError,
  parseManifest,
  readArchiveManifest,
  type ArchiveListing,
  type Manifest,
} from '@augment/core';
import { BUILD_ERROR_CODES, buildError, describe, type BuildError } from './errors.js';
import { locateJson, type JsonLocations } from './json-locations.js';
import { unknownKeyProblems } from './manifest-keys.js';
import { projectManifestProblems } from './manifest-project.js';

/** What {@link validate} found. */
export interface ValidateResult {
  /** The target, as an absolute path. */
  target: string;
  /** A project (has `src/`), a built `dist/` folder, or a `.zip`. */
  kind: 'project' | 'dist' | 'archive';
  /** The valid manifest. */
  manifest: Manifest;
  /** One line per problem besides the manifest's own rules; empty when the plugin is valid. */
  problems: string[];
}

/**
 * Checks a plugin without building or loading it. The target is:
 * - a project folder (it has `src/`): the manifest's rules, an `entryPoint`
 *   of `./dist/index.js`, `name` and `version` equal to package.json's,
 *   `src/index.ts` present, and core's `checkManifestFiles` once the entry
 *   point exists;
 * - any other folder, taken as a built `dist/`: the manifest's rules and
 *   `checkManifestFiles` (the entry point must exist);
 * - a `.zip`: every check of core's `inspectArchive` with the default limits,
 *   the manifest inside, and its entry point present in the archive.
 *
 * A manifest that is missing, not JSON, breaks a rule or has a top-level key
 * core does not define rejects (there is no manifest to return); the problems
 * it lists are in the error's `details`.
 *
 * @param target - a folder or a `.zip`
 * @throws {BuildError} `AUG_BUILD_NO_MANIFEST`, `AUG_BUILD_MANIFEST_INVALID`,
 *   `AUG_BUILD_VALIDATE` (target missing, not a folder or zip, or an archive core refuses)
 */
export async function validate(target: string): Promise<ValidateResult> {
  const path = resolve(target);
  const stats = await stat(path).catch((error: unknown) => {
    throw validateError(`${path} does not exist or cannot be read (${describe(error)}).`, error);
  });
  if (stats.isFile() && path.toLowerCase().endsWith('.zip')) return validateArchive(path);
  if (!stats.isDirectory()) {
    throw validateError(`${path} is neither a folder nor a .zip file.`);
  }
  const isProject = await isDirectory(join(path, 'src'));
  const { manifest, text } = await loadManifest(path);
  const problems: string[] = [];
  if (isProject) {
    const packageText = await readFile(join(path, 'package.json'), 'utf8').catch(() => '');
    problems.push(
      ...projectManifestProblems({ manifest, manifestText: text, packageText }).problems,
    );
  }
  if (isProject && !(await isFile(join(path, 'src', 'index.ts')))) {
    problems.push('src/index.ts: missing; it is the entry point the builder bundles');
  }
  if (!isProject || (await exists(resolve(path, manifest.entryPoint)))) {
    await checkManifestFiles(manifest, path).catch((error: unknown) => {
      problems.push(`${MANIFEST_FILE}: ${describe(error)}`);
    });
  }
  return { target: path, kind: isProject ? 'project' : 'dist', manifest, problems };
}

async function validateArchive(path: string): Promise<ValidateResult> {
  let text: string;
  let listing: ArchiveListing;
  try {
    ({ text, listing } = await readArchiveManifest(path, DEFAULT_ARCHIVE_LIMITS));
  } catch (error) {
    const code = isAugmentError(error) ? error.code : undefined;
    if (code === 'AUG_ARCHIVE_NO_MANIFEST') {
      throw buildError(
        BUILD_ERROR_CODES.NO_MANIFEST,
        `${path} has no ${MANIFEST_FILE} at its root or inside its only top-level folder.`,
        [describe(error)],
        'Pack the built dist/ folder with `augment build --zip`.',
        { file: path, cause: error },
      );
    }
    throw validateError(`${path} is not a plugin archive @augment/core accepts.`, error);
  }
  const name = `${listing.manifestRoot}${MANIFEST_FILE}`;
  const { manifest } = parseManifestText(text, name, path);
  const problems: string[] = [];
  const entry = `${listing.manifestRoot}${manifest.entryPoint.replace(/^(?:\.\/)+/u, '')}`;
  const found = listing.entries.some((item) => item.type === 'file' && item.name === entry);
  if (!found) problems.push(`${name}: entry point "${manifest.entryPoint}" is not in the archive`);
  return { target: path, kind: 'archive', manifest, problems };
}

/** A parsed, valid manifest and the JSON object it came from. */
export interface LoadedManifest {
  readonly manifest: Manifest;
  readonly json: Readonly<Record<string, unknown>>;
  readonly file: string;
  /** The file's text, for the positions of its keys. */
  readonly text: string;
}

/**
 * Reads and validates `<dir>/plugin.manifest.json` with core's rules.
 *
 * @param dir - the folder holding the manifest
 * @throws {BuildError} `AUG_BUILD_NO_MANIFEST` (missing or unreadable),
 *   `AUG_BUILD_MANIFEST_INVALID` (listing every problem, core's rules and
 *   unknown top-level keys, as `plugin.manifest.json:line:col: …`)
 */
export async function loadManifest(dir: string): Promise<LoadedManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = isErrorCode(error, 'ENOENT');
    throw buildError(
      BUILD_ERROR_CODES.NO_MANIFEST,
      missing ? `${file} is missing.` : `${file} could not be read (${describe(error)}).`,
      [`${MANIFEST_FILE}: ${missing ? 'missing' : describe(error)}`],
      missing
        ? `Add a ${MANIFEST_FILE} to ${dir} with "name", "version" and "entryPoint": "./dist/index.js".`
        : 'Check that it is a readable file.',
      { file, cause: error },
    );
  }
  return parseManifestText(text, MANIFEST_FILE, file);
}

/**
 * Parses and validates a manifest's text: core's rules, and no unknown
 * top-level key. Every problem line has the exact `line:col` of its key or value.
 */
function parseManifestText(text: string, label: string, file: string): LoadedManifest {
  const locations = locateJson(text);
  let manifest: Manifest | undefined;
  let cause: unknown;
  let problems: string[] = [];
  try {
    manifest = parseManifest(text, file);
  } catch (error) {
    cause = error;
    problems = ruleProblems(error, label, locations);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch {
    json = undefined;
  }
  const unknownKeys = unknownKeyProblems(json, locations, label);
  if (manifest === undefined || unknownKeys.length > 0) {
    throw manifestError([...problems, ...unknownKeys], file, cause, unknownKeys.length > 0);
  }
  return { manifest, json: json as Record<string, unknown>, file, text };
}

/** The problems of core's `parseManifest` error, each at its key or value. */
function ruleProblems(error: unknown, label: string, locations: JsonLocations): string[] {
  const issues = getManifestIssues(error);
  if (issues.length > 0) {
    // segments, not the dotted path: a plugin name in pluginDependencies may hold a "."
    const located = issues.map((issue) => ({
      at: locations.at(issue.segments, issue.part),
      line: `${locations.label(label, issue.segments, issue.part)}: ${issue.path}: ${issue.message}`,
    }));
    // in the file's order (core lists the rules across fields last)
    located.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
    return located.map((problem) => problem.line);
  }
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const at = /at line (\d+), column (\d+)/u.exec(describe(error));
  return [`${label}${at === null ? '' : `:${at[1]}:${at[2]}`}: ${describe(cause)}`];
}

function manifestError(
  problems: readonly string[],
  file: string,
  cause: unknown,
  unknownKeys: boolean,
): BuildError {
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  const meta = unknownKeys ? ' Free-form data belongs in "meta", which takes any keys.' : '';
  return buildError(
    BUILD_ERROR_CODES.MANIFEST_INVALID,
    `${file} has ${count}:`,
    problems,
    `Fix the manifest and try again.${meta}`,
    { file, cause },
  );
}

function validateError(message: string, cause?: unknown): BuildError {
  const problems = cause === undefined ? [] : [describe(cause)];
  return buildError(
    BUILD_ERROR_CODES.VALIDATE,
    message,
    problems,
    'Pass a plugin project, its dist/ folder, or its release .zip.',
    { cause },
  );
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && Reflect.get(error, 'code') === code;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
