#!/usr/bin/env node
// The augment command. A committed file, so npm can link it before dist/ is built.
// CommonJS (bin/package.json says so), like dist/cli.cjs that it runs: as an
// ES module it would start Node's ESM loader first, milliseconds at every run.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (above)
require('../dist/cli.cjs');
