// What the number of ES module imports in flight costs Node's loader, with
// nothing of Augment's: the floor's loop (section 1) over the bench's folder
// of 1000 ES module plugins, with at most K imports in flight, against every
// import at once. Fresh processes, interleaved; medians. It shows the trade
// the import gate makes (bench/README.md, section 13): fewer imports in
// flight keep the loop's turns short, but each costs the main thread more
// CPU time (its reads complete one or two per turn, so every completion pays
// for a wake-up and a turn of the loop), and below 32 or so the load is
// slower. Run `npm run bench -- --only cold` once first (it writes the folder).
//
//   node bench/in-flight.mjs [runs=5] [folder]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './lib/stats.mjs';

const BOUNDS = ['all', '256', '128', '64', '32', '16', '8'];
const runs = Number(process.argv[2] ?? 5);
const folder =
  process.argv[3] ??
  fileURLToPath(
    new URL('../node_modules/.cache/augment-bench/full/plugins/esm-1000', import.meta.url),
  );
if (!existsSync(folder))
  throw new Error(`no plugin folder at ${folder}: run npm run bench -- --only cold first`);
const probe = fileURLToPath(new URL('probes/in-flight.mjs', import.meta.url));
const run = promisify(execFile);

/** @type {Record<string, { ms: number, cpuMs: number, stallMs: number }[]>} */
const samples = {};
for (let round = 0; round <= runs; round += 1) {
  for (const bound of BOUNDS) {
    const { stdout } = await run(process.execPath, [probe, folder, bound]);
    // the first round warms the file system's cache
    if (round > 0) (samples[bound] ??= []).push(JSON.parse(stdout));
  }
}
/** @param {string} bound @param {'ms' | 'cpuMs' | 'stallMs'} key */
const med = (bound, key) => median((samples[bound] ?? []).map((s) => s[key]));
console.log(
  '| imports in flight | time | main thread CPU | × every import at once (CPU) | longest stall |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const bound of BOUNDS) {
  console.log(
    `| ${bound === 'all' ? 'all at once' : bound} | ${med(bound, 'ms').toFixed(0)} ms | ` +
      `${med(bound, 'cpuMs').toFixed(0)} ms | ${(med(bound, 'cpuMs') / med('all', 'cpuMs')).toFixed(2)} | ` +
      `${med(bound, 'stallMs').toFixed(0)} ms |`,
  );
}
