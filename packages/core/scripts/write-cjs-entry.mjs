// Writes the CommonJS entry of the package beside its one ES module build:
// dist/index.cjs, which require()s dist/index.js (Node 20.19+ and 22.12+ load
// an ES module with require(), without a warning; older ones get an error
// that says what to do), and dist/index.d.cts, the same declarations as
// dist/index.d.ts for a CommonJS consumer's TypeScript. Run by `npm run
// build` after tsup.
import { copyFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const entry = `'use strict';
// The CommonJS entry of @augment/core: its ES module build, loaded with require().
try {
  module.exports = require('./index.js');
} catch (error) {
  if (error === null || typeof error !== 'object' || error.code !== 'ERR_REQUIRE_ESM') throw error;
  throw new Error(
    \`@augment/core is an ES module, and this Node.js (\${process.version}) cannot require() one: \` +
      'use Node.js 20.19 or later on 20.x, or 22.12 or later, without --no-experimental-require-module; ' +
      "or load it with import('@augment/core').",
    { cause: error },
  );
}
`;
await writeFile(new URL('index.cjs', dist), entry);
await copyFile(new URL('index.d.ts', dist), new URL('index.d.cts', dist));
console.log(`wrote ${fileURLToPath(new URL('index.cjs', dist))} and index.d.cts`);
