import { defineConfig } from 'tsup';

// ES modules with their types: the builder and the boilerplate bundle them
// into their own dist/ (tsup `noExternal`), so nothing here is published.
// print-error is an entry of its own: it loads @augment/core, which the
// builder's `--help` and `--version` never load.
export default defineConfig({
  entry: ['src/index.ts', 'src/print-error.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
