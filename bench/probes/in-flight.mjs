// One cold load of the floor's loop with at most K imports in flight (or
// every import at once), in a fresh process: what the number of imports in
// flight costs Node's loader, apart from anything Augment does.
//
//   node probes/in-flight.mjs <folder> <K | all>
// Prints one JSON line: { ms, cpuMs, stallMs } (cpuMs: the main thread's CPU
// time, Linux only; stallMs: the longest gap of a 1 ms interval).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPluginDir } from '../lib/floor.mjs';

const [folder, bound] = process.argv.slice(2);
if (folder === undefined || bound === undefined)
  throw new Error('usage: in-flight.mjs <folder> <K | all>');
const SCHEDSTAT = '/proc/thread-self/schedstat';
const cpu = () =>
  existsSync(SCHEDSTAT) ? Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : Number.NaN;
const dirs = readdirSync(folder, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(folder, entry.name));

let stallMs = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  stallMs = Math.max(stallMs, now - last);
  last = now;
}, 1);
const started = performance.now();
const cpuStarted = cpu();
if (bound === 'all') {
  await Promise.all(dirs.map((dir) => loadPluginDir(dir, 'esm')));
} else {
  let next = 0;
  const lane = async () => {
    while (next < dirs.length) await loadPluginDir(/** @type {string} */ (dirs[next++]), 'esm');
  };
  await Promise.all(Array.from({ length: Number(bound) }, lane));
}
const ms = performance.now() - started;
const cpuMs = cpu() - cpuStarted;
clearInterval(ticker);
console.log(JSON.stringify({ ms, cpuMs, stallMs }));
