import { basename, resolve } from 'node:path';
import { SCAFFOLD_ERROR_CODES, ScaffoldError } from './errors.js';
import { checkPluginName } from './name.js';

/** The module format of the built plugin: what `augment build --format` gets. */
export type PluginFormat = 'esm' | 'cjs';

/** The module formats a project can be created for. */
export const PLUGIN_FORMATS: readonly PluginFormat[] = Object.freeze(['esm', 'cjs']);

/** What {@link scaffold} creates. Only `dir` is required. */
export interface ScaffoldOptions {
  /** The project folder, created when missing; relative paths are resolved against the current folder. */
  dir: string;
  /**
   * The plugin's name, written to `package.json` and `plugin.manifest.json`.
   * It must be a valid npm package name (core's manifest rule).
   * @default the folder's name
   */
  name?: string | undefined;
  /**
   * The module format of `dist/index.js`: `"type"` in `package.json` and
   * `--format` in the build scripts.
   * @default 'esm'
   */
  format?: PluginFormat | undefined;
  /**
   * The host's types package holding the plugin signature, as `name` or
   * `name@range` (`my-app-types@^2.0.0`; the range defaults to `*`). It
   * becomes a peer dependency (and a dev dependency, for the type check),
   * and `src/index.ts` imports the signature from it instead of a local
   * `src/types.ts`.
   * @default undefined (a local `src/types.ts`)
   */
  types?: string | undefined;
  /**
   * Write into a folder that is not empty. Existing files are never
   * overwritten: each one the template would write is kept and reported in
   * `skipped` (or in `unchanged` when it already holds the template's text).
   * @default false
   */
  force?: boolean | undefined;
}

/** The host's types package, split into its name and its version range. */
export interface TypesPackage {
  readonly name: string;
  readonly range: string;
}

/** {@link ScaffoldOptions} with every default applied. */
export interface ResolvedScaffoldOptions {
  /** The absolute project folder. */
  readonly dir: string;
  readonly name: string;
  readonly format: PluginFormat;
  readonly types: TypesPackage | undefined;
  readonly force: boolean;
}

const KEYS = new Set(['dir', 'name', 'format', 'types', 'force']);

function invalid(message: string): ScaffoldError {
  return new ScaffoldError(SCAFFOLD_ERROR_CODES.OPTIONS_INVALID, message);
}

function optionalString(options: ScaffoldOptions, key: 'name' | 'types'): string | undefined {
  const value: unknown = options[key];
  if (value === undefined || typeof value === 'string') return value;
  throw invalid(`The "${key}" option must be a string, got ${typeof value}.`);
}

/** Refuses a name that breaks core's rule, saying why and what to do. */
function checkName(name: string, what: string, fix: string): string {
  const problems = checkPluginName(name);
  if (problems.length === 0) return name;
  throw new ScaffoldError(
    SCAFFOLD_ERROR_CODES.NAME_INVALID,
    `${what} ${JSON.stringify(name)} is not a valid npm package name: it ${problems.join('; it ')}. ${fix}.`,
  );
}

/**
 * Splits `name@range` (`@acme/app-types@^2.0.0`) into its name and range;
 * the range defaults to `*`. Throws `AUG_SCAFFOLD_NAME_INVALID` for a bad name.
 *
 * @param spec - what `--types` got
 */
export function parseTypesPackage(spec: string): TypesPackage {
  const at = spec.indexOf('@', 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? '' : spec.slice(at + 1).trim();
  checkName(
    name,
    'The types package',
    'Pass --types the name of the package that exports the signature, like "my-app-types" or "my-app-types@^2.0.0"',
  );
  return { name, range: range === '' ? '*' : range };
}

/**
 * Applies the defaults to {@link ScaffoldOptions} and checks them: what
 * {@link scaffold} does first.
 *
 * @throws `AUG_SCAFFOLD_OPTIONS_INVALID` for an unknown key or a value of the wrong type,
 *   `AUG_SCAFFOLD_NAME_INVALID` for an invalid plugin or types package name
 */
export function resolveScaffoldOptions(options: ScaffoldOptions): ResolvedScaffoldOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('scaffold() needs an options object with at least "dir".');
  }
  const unknown = Object.keys(options).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) {
    throw invalid(
      `Unknown option ${unknown.map((key) => JSON.stringify(key)).join(', ')}: use ${[...KEYS].join(', ')}.`,
    );
  }
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw invalid('The "dir" option must be the path of the project folder.');
  }
  const format: unknown = options.format ?? 'esm';
  if (!PLUGIN_FORMATS.includes(format as PluginFormat)) {
    throw invalid(`The "format" option must be "esm" or "cjs", got ${JSON.stringify(format)}.`);
  }
  const force: unknown = options.force ?? false;
  if (typeof force !== 'boolean') throw invalid('The "force" option must be a boolean.');
  const dir = resolve(options.dir);
  const given = optionalString(options, 'name');
  const name =
    given === undefined
      ? checkName(
          basename(dir),
          'The folder name',
          'Pass --name a valid name, like "my-plugin", or choose another folder',
        )
      : checkName(given, 'The name', 'Choose a name like "my-plugin" or "@acme/my-plugin"');
  const types = optionalString(options, 'types');
  return Object.freeze({
    dir,
    name,
    format: format as PluginFormat,
    types: types === undefined || types === '' ? undefined : parseTypesPackage(types),
    force,
  });
}
