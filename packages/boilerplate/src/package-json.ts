import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ResolvedScaffoldOptions } from './options.js';

/**
 * TypeScript for generated projects, pinned to a minor version: the
 * registry's latest major (7) has no compiler API, which the builder's type
 * check needs, so an unpinned install would break every build.
 */
export const TYPESCRIPT_RANGE = '~5.9.3';

/** Node's types, for the Node versions Augment supports (`engines.node`). */
export const TYPES_NODE_RANGE = '^20.19.0';

/** The Node versions generated projects declare; the builder targets the lowest. */
export const NODE_ENGINES = '>=20.19';

/** The versions of `@augment/core` and `@augment/builder` a project gets. */
export interface AugmentVersions {
  readonly core: string;
  readonly builder: string;
}

/** The `version` in an installed package's package.json. */
function installedVersion(require: NodeJS.Require, pkg: string): string {
  const json: unknown = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8'));
  const version =
    typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (typeof version !== 'string') throw new Error(`${pkg}/package.json has no version`);
  return version;
}

/**
 * The versions of `@augment/core` and `@augment/builder` a new project gets:
 * the Augment packages are released together with one version, so this is
 * the boilerplate's own version (read from its package.json, so `npx
 * @augment/boilerplate` needs neither of them installed).
 */
export function readAugmentVersions(): AugmentVersions {
  const require = createRequire(import.meta.url);
  const own = installedVersion(require, '@augment/boilerplate');
  return { core: own, builder: own };
}

/** Sorts an object's keys, the way npm writes dependency lists. */
function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The `package.json` of a new project, as an object (written, not copied
 * from a template, because its name, type, scripts and versions all depend
 * on the options).
 *
 * @param options - resolved options
 * @param versions - from {@link readAugmentVersions}
 */
export function createPackageJson(
  options: ResolvedScaffoldOptions,
  versions: AugmentVersions,
): Record<string, unknown> {
  const format = options.format === 'cjs' ? ' --format cjs' : '';
  const types = options.types;
  const devDependencies: Record<string, string> = {
    '@augment/builder': `^${versions.builder}`,
    '@augment/core': `^${versions.core}`,
    '@types/node': TYPES_NODE_RANGE,
    typescript: TYPESCRIPT_RANGE,
  };
  if (types !== undefined) devDependencies[types.name] = types.range;
  return {
    name: options.name,
    version: '0.1.0',
    private: false,
    description: 'A plugin for an Augment host',
    type: options.format === 'esm' ? 'module' : 'commonjs',
    files: ['dist'],
    engines: { node: NODE_ENGINES },
    scripts: {
      build: `augment build --zip${format}`,
      watch: `augment watch${format}`,
      typecheck: 'tsc --noEmit',
      test: 'npm run build && node --test',
      // loads, unloads and reloads dist/ in a throwaway host: what it leaves behind fails
      doctor: 'augment doctor',
      // npm runs it after each `npm version` bump: the manifest follows, in the same commit
      version: 'augment sync',
      prepublishOnly: 'npm test',
    },
    ...(types === undefined ? {} : { peerDependencies: { [types.name]: types.range } }),
    devDependencies: sorted(devDependencies),
  };
}
