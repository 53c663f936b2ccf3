import { defineConfig } from 'tsup';

// @augment/cli-kit (the output and error helpers shared with the builder) is
// a private workspace package: bundled in, never a dependency of the
// published package.
const noExternal = ['@augment/cli-kit'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // the types it takes from cli-kit are written into index.d.ts, not imported
    dts: { resolve: ['@augment/cli-kit'] },
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    noExternal,
    // the CommonJS build finds templates/ and its dependencies' package.json
    // through `import.meta.url`, which tsup shims as the file's URL
    shims: true,
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
