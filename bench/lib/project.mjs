// A temp copy of the example plugin project (packages/example-plugin), for
// the builder and authoring-loop benchmarks: the real sources are never
// edited. The copy lives inside the repository's node_modules/.cache, so it
// resolves TypeScript, `ms` and the types package from the workspace.
import { createRequire } from 'node:module';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_DIR } from './workspace.mjs';

export const EXAMPLE_DIR = join(REPO_DIR, 'packages', 'example-plugin');
/** What `augment` (and `npx augment`) runs: the package's bin. */
export const AUGMENT_CLI = join(REPO_DIR, 'packages', 'builder', 'bin', 'augment.js');
export const DEMO_HOST = join(REPO_DIR, 'examples', 'host', 'dist', 'main.js');
export const DEMO_PLUGINS = join(REPO_DIR, 'examples', 'host', 'plugins');

const require = createRequire(import.meta.url);

/** The builder's ESM banner (packages/builder/src/bundle.ts), for the esbuild CLI floor. */
export const ESM_BANNER = [
  "import { createRequire as __augmentCreateRequire } from 'node:module';",
  "import { fileURLToPath as __augmentFileURLToPath } from 'node:url';",
  "import { dirname as __augmentDirname } from 'node:path';",
  'const require = __augmentCreateRequire(import.meta.url);',
  'const __augment_filename = __augmentFileURLToPath(import.meta.url);',
  'const __augment_dirname = __augmentDirname(__augment_filename);',
].join('\n');

/**
 * Copies the example plugin's project (package.json, manifest, tsconfig,
 * src) into `dir`, emptied first.
 *
 * @param {string} dir
 * @returns {Promise<string>} `dir`
 */
export async function copyExampleProject(dir) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const name of ['package.json', 'plugin.manifest.json', 'tsconfig.json', 'src']) {
    await cp(join(EXAMPLE_DIR, name), join(dir, name), { recursive: true });
  }
  return dir;
}

/** @returns {string} the esbuild executable of the installed `esbuild` package */
export function esbuildBinary() {
  return join(require.resolve('esbuild/package.json'), '..', 'bin', 'esbuild');
}

/** @returns {string} TypeScript's `tsc` script */
export function tscScript() {
  return join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');
}

/**
 * The esbuild command line that does what `augment build` asks esbuild to do
 * for this project (packages/builder/src/bundle.ts): bundle, Node platform,
 * ESM, the target from `engines.node`, peer dependencies external, a linked
 * source map with sources, the same banner and defines.
 *
 * @param {string} dir - the project
 * @param {string} outdir - where the floor writes (not dist/, which the builder owns)
 * @returns {Promise<string[]>} the arguments
 */
export async function esbuildArgs(dir, outdir) {
  const { nodeTarget } = await import('@augment/builder');
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const peers = Object.keys(pkg.peerDependencies ?? {});
  const range = pkg.engines?.node;
  return [
    'src/index.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--target=${typeof range === 'string' ? nodeTarget(range) : 'node20'}`,
    `--outfile=${join(outdir, 'index.js')}`,
    '--sourcemap=linked',
    '--sources-content=true',
    '--log-level=warning',
    `--banner:js=${ESM_BANNER}`,
    '--define:__filename=__augment_filename',
    '--define:__dirname=__augment_dirname',
    ...peers.flatMap((name) => [`--external:${name}`, `--external:${name}/*`]),
  ];
}
