#!/usr/bin/env node
// `npm create @augment/plugin` (or `npm init @augment/plugin`) installs this
// package, @augment/create-plugin, and runs its only bin. It runs the
// generator of @augment/boilerplate, the bin that package declares, with the
// same command line: one generator, two ways to start it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const manifest = require.resolve('@augment/boilerplate/package.json');
const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
await import(pathToFileURL(join(dirname(manifest), bin['create-augment-plugin'])).href);
