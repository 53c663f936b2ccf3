import { defineConfig } from 'tsup';
import { lazyImports } from './scripts/lazy-imports.js';
import { lazyZod } from './scripts/lazy-zod.js';

// One ES module build: `require('@augment/core')` loads the same file through
// the dist/index.cjs that scripts/write-cjs-entry.mjs writes (Node 20.19+ and
// 22.12+ require() ES modules). No source maps: dist/ is not minified, so its
// stack frames read as they are, and a map would weigh three times the code.
// Run `node bench/import-cost.mjs` and check the tarball's size
// (packages/core/test/package-size.test.ts) after changing this.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: false,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // keep `node:` in the bundle's imports (and for lazyImports() to see them)
  removeNodeProtocol: false,
  // Bundled, not dependencies: as packages, zod/mini takes 30-45 ms to import
  // (6 MB installed) and semver's ~20 small CommonJS files through the ESM
  // loader 7 ms; bundled, only the parts we use ship.
  noExternal: ['zod', 'semver'],
  // semver, node:crypto and node:zlib load on first use, not at import; zod
  // (in dist/zod.cjs) when the manifest schema is first needed
  esbuildPlugins: [lazyImports(), lazyZod()],
});
