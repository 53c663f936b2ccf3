import { MANIFEST_FILE, type Manifest } from '@augment/core';
import { BUILD_ERROR_CODES, buildError } from './errors.js';
import { locateJson } from './json-locations.js';
import type { LoadedManifest } from './validate.js';

/** The `entryPoint` of a project's manifest: where `augment build` writes the bundle. */
export const PROJECT_ENTRY = './dist/index.js';

/** The command that copies package.json's name and version into the manifest. */
export const SYNC_COMMAND = 'npx augment sync';

/** What {@link projectManifestProblems} reads. */
export interface ProjectManifestInput {
  readonly manifest: Manifest;
  /** The text of `plugin.manifest.json`. */
  readonly manifestText: string;
  /** The text of `package.json`; `''` when the project has none. */
  readonly packageText: string;
}

/** Problem lines, and the fixes they call for. */
export interface ProjectManifestProblems {
  readonly problems: string[];
  readonly fixes: string[];
}

/**
 * Checks a project's manifest against the project: its `entryPoint` must be
 * where the build writes the bundle (`./dist/index.js`, or `dist/index.js`),
 * and its `name` and `version` must be `package.json`'s (a scoped package
 * `@scope/x` may name its plugin `x`). Each problem is a
 * `plugin.manifest.json:line:col: …` line.
 *
 * @param input - the valid manifest, its text and the text of package.json
 */
export function projectManifestProblems(input: ProjectManifestInput): ProjectManifestProblems {
  const { manifest } = input;
  const locations = locateJson(input.manifestText);
  const problems: string[] = [];
  const fixes: string[] = [];
  const pkg = packageFields(input.packageText);
  const mismatches: string[] = [];
  if (pkg.name !== undefined && !sameName(manifest.name, pkg.name)) {
    mismatches.push(
      `${locations.label(MANIFEST_FILE, ['name'])}: name "${manifest.name}" does not match "${pkg.name}" in package.json; run \`${SYNC_COMMAND}\``,
    );
  }
  if (pkg.version !== undefined && manifest.version !== pkg.version) {
    mismatches.push(
      `${locations.label(MANIFEST_FILE, ['version'])}: version "${manifest.version}" does not match "${pkg.version}" in package.json; run \`${SYNC_COMMAND}\``,
    );
  }
  if (mismatches.length > 0) {
    problems.push(...mismatches);
    fixes.push(
      `Run \`${SYNC_COMMAND}\` to copy package.json's name and version into ${MANIFEST_FILE} (generated projects run it on every \`npm version\`).`,
    );
  }
  if (manifest.entryPoint.replace(/^(?:\.\/)+/u, '') !== 'dist/index.js') {
    problems.push(
      `${locations.label(MANIFEST_FILE, ['entryPoint'])}: entryPoint "${manifest.entryPoint}" is not the file augment build writes; write "${PROJECT_ENTRY}" (relative to ${MANIFEST_FILE}'s folder)`,
    );
    fixes.push(
      `Write "entryPoint": "${PROJECT_ENTRY}" (the built dist/${MANIFEST_FILE} gets "./index.js").`,
    );
  }
  return { problems, fixes };
}

/**
 * Whether a manifest's name agrees with package.json's: `x` and `@scope/x`
 * name the same plugin; otherwise the names must be equal.
 */
export function sameName(manifestName: string, packageName: string): boolean {
  return manifestName === packageName || manifestName === packageName.replace(/^@[^/]+\//u, '');
}

/** `name` and `version` of a package.json text, when they are strings. */
export function packageFields(text: string): { name?: string; version?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null) return {};
  const name: unknown = Reflect.get(json, 'name');
  const version: unknown = Reflect.get(json, 'version');
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof version === 'string' ? { version } : {}),
  };
}

/**
 * {@link projectManifestProblems} for a build: throws when there is any.
 *
 * @param loaded - the project's manifest, from `loadManifest`
 * @param packageText - the text of package.json, `''` when there is none
 * @throws {BuildError} `AUG_BUILD_MANIFEST_INVALID` listing each problem and its fix
 */
export function assertProjectManifest(loaded: LoadedManifest, packageText: string): void {
  const { problems, fixes } = projectManifestProblems({
    manifest: loaded.manifest,
    manifestText: loaded.text,
    packageText,
  });
  if (problems.length === 0) return;
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  throw buildError(
    BUILD_ERROR_CODES.MANIFEST_INVALID,
    `${loaded.file} has ${count}:`,
    problems,
    `${fixes.join('\n')}\nNothing was written.`,
    { file: loaded.file },
  );
}
