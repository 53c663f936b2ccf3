import { resolve } from 'node:path';
import { build as esbuild, type Plugin } from 'esbuild';

/**
 * What the sources take from `zod/mini` (src/manifest/schema.ts): its
 * functions, and `globalRegistry`, an object. Types need no entry.
 */
const ZOD_EXPORTS = [
  '_default',
  'globalRegistry',
  'looseObject',
  'maxLength',
  'minLength',
  'optional',
  'record',
  'refine',
  'regex',
  'string',
  'toJSONSchema',
  'unknown',
] as const;

/** The file beside the bundle that holds zod: `dist/zod.cjs`. */
const CHUNK = 'zod.cjs';

const NAMESPACE = 'augment-lazy-zod';

/** The module that stands for `zod/mini` in the bundle: each export loads the chunk on first use. */
async function callThrough(): Promise<string> {
  const zod: Record<string, unknown> = await import('zod/mini');
  const chunk = JSON.stringify(`./${CHUNK}`);
  const lines = [
    "import { createRequire } from 'node:module';",
    "import { fileURLToPath } from 'node:url';",
    'let zod;',
    'function loadChunk() {',
    `  try { return createRequire(import.meta.url)(${chunk}); } catch (error) {`,
    "    if (error?.code !== 'MODULE_NOT_FOUND') throw error;",
    `    const file = fileURLToPath(new URL(${chunk}, import.meta.url));`,
    // a host bundled into one file: the chunk stayed in node_modules
    '    throw new Error(`@augment/core needs ${file} (its copy of zod) to check a manifest against its schema, and the file is missing. ' +
      'A host bundled into one file must keep @augment/core external, or copy node_modules/@augment/core/dist/zod.cjs beside the bundle.`, { cause: error });',
    '  }',
    '}',
    'const load = () => (zod ??= loadChunk());',
  ];
  for (const name of ZOD_EXPORTS) {
    const kind = typeof zod[name];
    if (kind === 'function') {
      lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
    } else if (kind === 'object') {
      lines.push(
        `export const ${name} = new Proxy({}, { get(_, key) { const target = load().${name}; const value = Reflect.get(target, key); return typeof value === 'function' ? value.bind(target) : value; } });`,
      );
    } else {
      throw new Error(`zod/mini has no function or object "${name}": update ZOD_EXPORTS`);
    }
  }
  return lines.join('\n');
}

/**
 * An esbuild plugin that keeps zod out of the bundle's import: the package's
 * `import * as z from 'zod/mini'` gets a module whose functions load zod (a
 * CommonJS bundle of just {@link ZOD_EXPORTS}, written beside the bundle as
 * `zod.cjs`) with `require()` on their first call and call through. zod
 * serves the manifest schema, which a scan of valid plugins never builds
 * (src/manifest/fast.ts), so most hosts never load it; when one does,
 * requiring the chunk costs a few milliseconds. Using another name of
 * `zod/mini` in the sources fails the build ("No matching export"): add it to
 * {@link ZOD_EXPORTS}.
 */
export function lazyZod(): Plugin {
  return {
    name: 'augment-lazy-zod',
    setup(build) {
      build.onResolve({ filter: /^zod\/mini$/ }, (args) =>
        args.kind === 'import-statement' ? { path: args.path, namespace: NAMESPACE } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async () => ({
        contents: await callThrough(),
        loader: 'js',
      }));
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        const outdir = resolve(build.initialOptions.outdir ?? 'dist');
        await esbuild({
          stdin: {
            contents: `export { ${ZOD_EXPORTS.join(', ')} } from 'zod/mini';`,
            resolveDir: process.cwd(),
            loader: 'js',
          },
          bundle: true,
          format: 'cjs',
          platform: 'node',
          target: build.initialOptions.target ?? 'node20',
          outfile: resolve(outdir, CHUNK),
          logLevel: 'error',
        });
      });
    },
  };
}
