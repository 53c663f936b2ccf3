#!/usr/bin/env node
// The augment command. A committed file, so npm can link it before dist/ is built.
import '../dist/cli.js';
