// What the stall bound costs a cold load: the build of @augment/core as it
// ships against a copy of it whose import gate admits every ES module import
// at once and whose pacer never yields (the two mechanisms that keep each
// turn of the event loop under 50 ms, section 13), each against the floor of
// section 1, over the bench's folders of 1000 ES module and 1000 CommonJS
// plugins. Fresh processes, interleaved; medians. The difference between the
// two builds is what the stall bound costs; the difference between the
// unbounded build and the floor is the rest of Augment's work per plugin (the
// fingerprint walk, the manifest and package.json reads, the load timeouts,
// the validator, publication), of which the file system calls the scan makes
// per plugin, issued alone and synchronously as the scan issues them, are
// timed last. Run `npm run bench -- --only cold` once first (it writes the
// folders).
//
//   node bench/stall-bound-cost.mjs [runs=7] [dist]
import { execFile } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './lib/stats.mjs';

const runs = Number(process.argv[2] ?? 7);
const dist = resolve(
  process.argv[3] ?? fileURLToPath(new URL('../packages/core/dist', import.meta.url)),
);
const cache = fileURLToPath(new URL('../node_modules/.cache/augment-bench/full/', import.meta.url));
const probe = fileURLToPath(new URL('probes/cold.mjs', import.meta.url));
const run = promisify(execFile);

/**
 * The constants of the shipped build that bound the work per turn, and what
 * the unbounded copy has instead. Each must occur exactly once: a build
 * whose constants moved fails here rather than measuring the same build twice.
 */
const UNBOUND = [
  [
    'DEFAULT_IMPORT_GATE = {\n  start: 4,\n  min: 2,\n  max: 256,',
    'DEFAULT_IMPORT_GATE = {\n  start: 1e6,\n  min: 1e6,\n  max: 1e6,',
  ],
  ['var SLICE_MS = 5;', 'var SLICE_MS = 1e9;'],
];

/** @returns {string} the unbounded copy's index.js */
function unboundedCopy() {
  const copy = join(cache, 'variants', 'unbounded');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  cpSync(dist, copy, { recursive: true });
  const file = join(copy, 'index.js');
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of UNBOUND) {
    const parts = text.split(from);
    if (parts.length !== 2) {
      throw new Error(
        `${join(dist, 'index.js')} holds ${parts.length - 1} of ${JSON.stringify(from)}, expected 1`,
      );
    }
    text = parts.join(to);
  }
  writeFileSync(file, text);
  return file;
}

/**
 * The file system calls Augment's scan and load make for one bench plugin,
 * beyond the floor's manifest read: the directory's stat and listing, a stat
 * per file (the fingerprint), and the manifest and package.json each opened
 * without blocking, checked to be a regular file, read and closed.
 *
 * @param {string} dir
 */
function scanCalls(dir) {
  statSync(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) statSync(join(dir, entry.name));
  for (const name of ['plugin.manifest.json', 'package.json']) {
    const fd = openSync(join(dir, name), 'r');
    const buffer = Buffer.alloc(fstatSync(fd).size + 1);
    readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
  }
}

const SIDES = /** @type {const} */ ([
  ['floor', 'floor', undefined],
  ['as shipped', 'augment', join(dist, 'index.js')],
  ['no stall bound', 'augment', unboundedCopy()],
]);

for (const format of /** @type {const} */ (['esm', 'cjs'])) {
  const folder = join(cache, 'plugins', `${format}-1000`);
  if (!existsSync(folder)) {
    throw new Error(`no plugin folder at ${folder}: run npm run bench -- --only cold first`);
  }
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (let round = 0; round <= runs; round += 1) {
    for (const [label, side, core] of SIDES) {
      const env = { ...process.env, AUGMENT_BENCH_CORE: core ?? '' };
      const { stdout } = await run(process.execPath, [probe, side, folder, format, '1000'], {
        env,
      });
      // the first round warms the file system's cache
      if (round > 0) (samples[label] ??= []).push(JSON.parse(stdout).ms);
    }
  }
  const floor = median(samples['floor'] ?? []);
  console.log(`\n${format === 'esm' ? 'ES modules' : 'CommonJS'}, 1000 plugins, ${runs} runs`);
  console.log('| side | cold load | × floor |');
  console.log('| --- | --- | --- |');
  for (const [label] of SIDES) {
    const ms = median(samples[label] ?? []);
    console.log(`| ${label} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(2)} |`);
  }
  const dirs = readdirSync(folder).map((name) => join(folder, name));
  /** @type {number[]} */
  const calls = [];
  for (let round = 0; round <= runs; round += 1) {
    const started = performance.now();
    for (const dir of dirs) scanCalls(dir);
    if (round > 0) calls.push(performance.now() - started);
  }
  const callsMs = median(calls);
  console.log(
    `| the scan's file system calls alone (in the same turn, ${dirs.length} plugins) | ` +
      `${callsMs.toFixed(0)} ms | ${(callsMs / floor).toFixed(2)} of the floor |`,
  );
}
