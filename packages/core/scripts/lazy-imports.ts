import type { Plugin } from 'esbuild';

/**
 * The modules whose import costs more than most hosts ever use of them:
 * `node:crypto` (hashes of large plugin directories, archives), `node:zlib`
 * (archives), `node:net` (the `augment dev` endpoint, only with `dev: true`) and semver (its regular expressions are built when it is
 * loaded, about half of the package's own import time). Each is named with
 * the functions the sources import from it; `'default'` for semver's
 * one-function modules.
 */
const LAZY_MODULES: Readonly<Record<string, readonly string[]>> = {
  'node:crypto': ['createHash', 'randomBytes', 'timingSafeEqual'],
  'node:net': ['createServer'],
  'node:zlib': ['crc32', 'inflateRawSync'],
};

/** semver's one-function modules (`semver/functions/satisfies.js`), each a default export. */
const SEMVER_FUNCTION = /^semver\/(?:functions|ranges)\/[a-z-]+(?:\.js)?$/u;

const NAMESPACE = 'augment-lazy';

/** The call-through module that stands for `specifier`, or `undefined` when it is not lazy. */
function lazyModule(specifier: string): string | undefined {
  if (SEMVER_FUNCTION.test(specifier)) {
    // require() of a bundled module runs its code on the first call, not at import
    return [
      'let fn;',
      `export default function (...args) { fn ??= require(${JSON.stringify(specifier)}); return fn(...args); }`,
    ].join('\n');
  }
  const names = LAZY_MODULES[specifier];
  if (names === undefined) return undefined;
  const load = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
  return names
    .map((name) => `export function ${name}(...args) { return ${load}.${name}(...args); }`)
    .join('\n');
}

/**
 * An esbuild plugin that defers loading the modules above until one of their
 * functions is first called: a static `import` of one of them from the
 * package's sources becomes a small module of functions that load the real
 * one (`process.getBuiltinModule()` for Node's, a `require()` of the bundled
 * copy for semver) and call through. Only functions are deferred: importing
 * any other name from these modules fails the build ("No matching export"),
 * so add the name to the list, or import that module from a file of its own.
 * The sources and their tests are unchanged: only the bundle loads lazily.
 */
export function lazyImports(): Plugin {
  return {
    name: 'augment-lazy-imports',
    setup(build) {
      build.onResolve({ filter: /^(?:node:crypto|node:net|node:zlib|semver\/.*)$/ }, (args) => {
        // the call-through module's own require() resolves to the real module
        if (args.kind !== 'import-statement' || args.namespace === NAMESPACE) return undefined;
        if (lazyModule(args.path) === undefined) return undefined;
        return { path: args.path, namespace: NAMESPACE, pluginData: args.resolveDir };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: lazyModule(args.path),
        loader: 'js',
        resolveDir: typeof args.pluginData === 'string' ? args.pluginData : undefined,
      }));
    },
  };
}
