// A stand-in for a project's TypeScript that is the repository's own with two
// probes on its API, for the tests of `augment watch`'s incremental check.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TYPESCRIPT } from './cli.js';
import { writeFiles } from './project.js';

/** Lines of the project's `parsed.log`: each file that `ts.createSourceFile` parsed. */
export const PARSED_LOG = 'parsed.log';
/** Lines of the project's `checks.log`: one per check that started. */
export const CHECKS_LOG = 'checks.log';
/** While the project holds this file, a check that starts waits for it to be removed. */
export const GATE = 'gate';

/**
 * Writes `<dir>/node_modules/typescript`: the repository's TypeScript, whose
 * `createSourceFile` appends the file's name to `parsed.log` and whose
 * `createSemanticDiagnosticsBuilderProgram` appends to `checks.log`, then
 * waits (at most a minute) while the project holds a file named `gate`. Its
 * `bin/tsc` is the real one, without the probes: a `tsc` process per check
 * type-checks as well, but leaves both logs empty.
 */
export async function linkProbeTypeScript(dir: string): Promise<void> {
  const source = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const real = require(${JSON.stringify(join(TYPESCRIPT, 'lib/typescript.js'))});
const project = ${JSON.stringify(dir)};
const log = (name, line) => fs.appendFileSync(path.join(project, name), line + '\\n');
const pause = new Int32Array(new SharedArrayBuffer(4));
module.exports = {
  ...real,
  createSourceFile(fileName, ...rest) {
    log(${JSON.stringify(PARSED_LOG)}, fileName);
    return real.createSourceFile(fileName, ...rest);
  },
  createSemanticDiagnosticsBuilderProgram(...args) {
    log(${JSON.stringify(CHECKS_LOG)}, 'check');
    const deadline = Date.now() + 60000;
    while (fs.existsSync(path.join(project, ${JSON.stringify(GATE)})) && Date.now() < deadline) {
      Atomics.wait(pause, 0, 0, 20);
    }
    return real.createSemanticDiagnosticsBuilderProgram(...args);
  },
};
`;
  await writeFiles(dir, {
    'node_modules/typescript/package.json': {
      name: 'typescript',
      version: '0.0.0-probe',
      main: 'index.js',
    },
    'node_modules/typescript/index.js': source,
    'node_modules/typescript/bin/tsc': `require(${JSON.stringify(join(TYPESCRIPT, 'lib/tsc.js'))});\n`,
  });
}

/** The lines of one of the project's logs (empty when it has none yet). */
export async function readLog(dir: string, name: string): Promise<string[]> {
  const file = join(dir, name);
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

/** Closes the gate: the next check waits. */
export async function closeGate(dir: string): Promise<void> {
  await writeFile(join(dir, GATE), '');
}

/** Opens the gate: a waiting check goes on. */
export async function openGate(dir: string): Promise<void> {
  await rm(join(dir, GATE), { force: true });
}
