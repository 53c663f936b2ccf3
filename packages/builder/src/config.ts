import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { BUILD_ERROR_CODES, BuildError } from './errors.js';

/** Options of {@link build} and {@link createBuildContext}. All are optional. */
export interface BuildOptions {
  /**
   * The plugin project's root (where `plugin.manifest.json` and `src/` are).
   * @default process.cwd()
   */
  dir?: string | undefined;
  /**
   * Module format of `dist/index.js`; `dist/package.json` gets the matching `type`.
   * @default 'esm'
   */
  format?: 'esm' | 'cjs' | undefined;
  /**
   * Also pack `dist/` into a deterministic zip (see `out`), with a `.sha256` beside it.
   * @default false
   */
  zip?: boolean | undefined;
  /**
   * Path of the zip, relative to `dir` (or absolute).
   * @default 'release.zip'
   */
  out?: string | undefined;
  /**
   * Type check with the project's own TypeScript before writing anything.
   * `createBuildContext().rebuild()` never type checks.
   * @default true
   */
  typecheck?: boolean | undefined;
  /**
   * Write `dist/index.js.map` (linked from `index.js`). Builds for release keep it on:
   * the map is how stack traces name the TypeScript sources.
   * @default true
   */
  sourcemap?: boolean | undefined;
  /**
   * Minify `dist/index.js` (esbuild's whitespace, syntax and identifier
   * minification). The source map still names the original lines.
   * @default false
   */
  minify?: boolean | undefined;
}

/** {@link BuildOptions} with every default applied and paths made absolute. */
export interface ResolvedBuildOptions {
  readonly dir: string;
  readonly format: 'esm' | 'cjs';
  readonly zip: boolean;
  /** Absolute path of the zip. */
  readonly out: string;
  readonly typecheck: boolean;
  readonly sourcemap: boolean;
  readonly minify: boolean;
}

const DEFAULTS = Object.freeze({
  format: 'esm',
  zip: false,
  out: 'release.zip',
  typecheck: true,
  sourcemap: true,
  minify: false,
} as const);

const CHECKS: Record<keyof BuildOptions, [string, (value: unknown) => boolean]> = {
  dir: ['a non-empty string', (v) => typeof v === 'string' && v !== ''],
  format: ["'esm' or 'cjs'", (v) => v === 'esm' || v === 'cjs'],
  zip: ['a boolean', (v) => typeof v === 'boolean'],
  out: ['a non-empty string', (v) => typeof v === 'string' && v !== ''],
  typecheck: ['a boolean', (v) => typeof v === 'boolean'],
  sourcemap: ['a boolean', (v) => typeof v === 'boolean'],
  minify: ['a boolean', (v) => typeof v === 'boolean'],
};

/**
 * Applies the defaults to build options, checking each one.
 *
 * @param options - what the caller passed
 * @throws {BuildError} `AUG_BUILD_OPTIONS_INVALID` naming an unknown or ill-typed key
 */
export function resolveBuildOptions(options: BuildOptions = {}): ResolvedBuildOptions {
  for (const [key, value] of Object.entries(options)) {
    const check = Object.hasOwn(CHECKS, key) ? CHECKS[key as keyof BuildOptions] : undefined;
    if (check === undefined) {
      throw invalidOption(`Unknown build option "${key}".`, Object.keys(CHECKS).join(', '));
    }
    if (value !== undefined && !check[1](value)) {
      throw invalidOption(`Build option "${key}" must be ${check[0]}.`, `Pass ${check[0]}.`);
    }
  }
  const dir = resolve(options.dir ?? process.cwd());
  const out = options.out ?? DEFAULTS.out;
  return Object.freeze({
    dir,
    format: options.format ?? DEFAULTS.format,
    zip: options.zip ?? DEFAULTS.zip,
    out: isAbsolute(out) ? out : resolve(dir, out),
    typecheck: options.typecheck ?? DEFAULTS.typecheck,
    sourcemap: options.sourcemap ?? DEFAULTS.sourcemap,
    minify: options.minify ?? DEFAULTS.minify,
  });
}

function invalidOption(problem: string, fix: string): BuildError {
  const hint = fix.startsWith('Pass') ? fix : `Known options: ${fix}.`;
  return new BuildError(BUILD_ERROR_CODES.OPTIONS_INVALID, `${problem} ${hint}`);
}

/** Where the builder reads and writes, for a project root. */
export interface ProjectPaths {
  readonly dir: string;
  readonly manifest: string;
  readonly packageJson: string;
  readonly entry: string;
  readonly assets: string;
  readonly dist: string;
}

/**
 * The conventional layout of a plugin project (PRD §7.4).
 *
 * @param dir - absolute project root
 */
export function projectPaths(dir: string): ProjectPaths {
  return {
    dir,
    manifest: join(dir, 'plugin.manifest.json'),
    packageJson: join(dir, 'package.json'),
    entry: join(dir, 'src', 'index.ts'),
    assets: join(dir, 'assets'),
    dist: join(dir, 'dist'),
  };
}

/** What the builder uses from the project's `package.json`. */
export interface ProjectPackage {
  /** Names of `dependencies` (bundled). */
  readonly dependencies: readonly string[];
  /** Names of `peerDependencies` (kept external, with their subpaths). */
  readonly peerDependencies: readonly string[];
  /** esbuild target, from the minimum of `engines.node`, else `node20`. */
  readonly target: string;
  /** The file's text, to notice edits between rebuilds; `''` without a package.json. */
  readonly text: string;
}

/** The target used when `engines.node` is absent or has no lower bound. */
export const DEFAULT_NODE_TARGET = 'node20';

/**
 * Reads the project's `package.json`. A missing file is an empty package; a
 * file that is not JSON is an error, since its dependencies would be guessed.
 *
 * @param file - path of `package.json`
 * @throws {BuildError} `AUG_BUILD_COMPILE` when the file is not a JSON object
 */
export async function readProjectPackage(file: string): Promise<ProjectPackage> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { dependencies: [], peerDependencies: [], target: DEFAULT_NODE_TARGET, text: '' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch (error) {
    json = error;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || json instanceof Error) {
    const why = json instanceof Error ? json.message : 'it is not a JSON object';
    throw new BuildError(
      BUILD_ERROR_CODES.COMPILE,
      `${file} could not be read as JSON (${why}). Fix its syntax: the builder reads "dependencies", "peerDependencies" and "engines" from it.`,
      { file, details: [`package.json: ${why}`] },
    );
  }
  const pkg = json as Record<string, unknown>;
  const engines = pkg['engines'];
  const range =
    typeof engines === 'object' && engines !== null
      ? (engines as Record<string, unknown>)['node']
      : undefined;
  return {
    dependencies: keysOf(pkg['dependencies']),
    peerDependencies: keysOf(pkg['peerDependencies']),
    target: typeof range === 'string' ? nodeTarget(range) : DEFAULT_NODE_TARGET,
    text,
  };
}

function keysOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.keys(value)
    : [];
}

/**
 * The esbuild target for an `engines.node` range: its lowest version
 * (`>=22` → `node22`, `^20.19.0` → `node20.19.0`, `18.x || >=20` → `node18`).
 *
 * @param range - a semver range
 * @returns `nodeX[.Y[.Z]]`, or {@link DEFAULT_NODE_TARGET} when the range has no lower bound
 */
export function nodeTarget(range: string): string {
  let lowest: number[] | undefined;
  for (const alternative of range.split('||')) {
    // `20 - 22`: only the first half is a lower bound.
    const bound = lowerBound(alternative.replace(/\s+-\s+\S+/gu, ''));
    if (bound === undefined) return DEFAULT_NODE_TARGET;
    if (lowest === undefined || compareVersions(bound, lowest) < 0) lowest = bound;
  }
  return lowest === undefined ? DEFAULT_NODE_TARGET : `node${lowest.join('.')}`;
}

/** Comparators like `>=20.19`, `^22`, `~20.1.2`, `20.x`, `=20`, or the first half of `20 - 22`. */
const COMPARATOR = /(<=|>=|<|>|=|\^|~>?|v)?\s*(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/gu;

/** The lowest version one `||` alternative allows, or undefined when it has none (`<22`, `*`). */
function lowerBound(alternative: string): number[] | undefined {
  let bound: number[] | undefined;
  for (const match of alternative.matchAll(COMPARATOR)) {
    const operator = match[1] ?? '';
    if (operator.startsWith('<')) continue;
    const parts: number[] = [];
    for (const part of [match[2], match[3], match[4]]) {
      if (part === undefined || !/^\d+$/u.test(part)) break;
      parts.push(Number(part));
    }
    if (bound === undefined || compareVersions(parts, bound) > 0) bound = parts;
  }
  return bound;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
