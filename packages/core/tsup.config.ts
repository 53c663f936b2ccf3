import { defineConfig } from 'tsup';
import { lazyImports } from './scripts/lazy-imports.js';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // Bundled for startup time: only the parts of zod/mini we use ship, and
  // semver's ~20 small CommonJS files cost 7-10 ms to resolve and load one by
  // one. Run `node bench/import-cost.mjs` after changing this.
  noExternal: ['zod', 'semver'],
  // keep `node:` in the bundle's imports (and for lazyImports() to see them)
  removeNodeProtocol: false,
  // semver, node:crypto and node:zlib load on first use, not at import
  esbuildPlugins: [lazyImports()],
  // import.meta.url in the CommonJS build (yauzl is required lazily from it)
  shims: true,
});
