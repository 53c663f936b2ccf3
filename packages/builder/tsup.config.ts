import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    // one file per format: the lazily imported modules (pack.ts) stay inside it
    splitting: false,
    target: 'node20',
    platform: 'node',
  },
  {
    // The CLI proper, as CommonJS (why: src/bin.ts). Its commands import
    // what they use when they run: `--help` loads only commander, `build`
    // loads fflate only for --zip, chokidar is `watch`'s alone.
    entry: ['src/cli.ts'],
    format: ['cjs'],
    sourcemap: true,
    shims: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { cli: 'src/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
