import { defineConfig } from 'tsup';

// @augment/cli-kit (the output and error helpers shared with the boilerplate)
// is a private workspace package: bundled in, never a dependency of the
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
    // one file per format: the lazily imported modules (pack.ts) stay inside it
    splitting: false,
    target: 'node20',
    platform: 'node',
    noExternal,
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
    noExternal,
  },
  {
    // `augment doctor`'s child process, which runs the plugin in a host (an
    // ES module: it imports the plugin and the --setup module)
    entry: { 'doctor-child': 'src/doctor/child.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { cli: 'src/bin.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    noExternal,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
