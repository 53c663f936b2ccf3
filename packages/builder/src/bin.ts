// dist/cli.js, for `node dist/cli.js`: it loads the CLI's CommonJS build,
// dist/cli.cjs (the `augment` command, bin/augment.js, requires it directly).
// The CLI is CommonJS because its dependencies are (commander, esbuild's API,
// fflate, and yauzl under @augment/core): on Node 20 an ES module that imports a
// CommonJS package goes through the ESM loader for every file that package
// requires, which made `augment build` start some 50 ms slower than require().
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./cli.cjs');
