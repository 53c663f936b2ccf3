// One cold load of the floor's loop with at most K imports in flight (or
// every import at once), in a fresh process: what the number of imports in
// flight costs Node's loader, apart from anything Augment does.
//
//   node probes/in-flight.mjs <folder> <K | all>
// Prints one JSON line: { ms, cpuMs, stallMs } (cpuMs: the main thread's CPU
// time, Linux only; stallMs: the longest gap of a 1 ms interval).
import { loadFolder, loadFolderBounded } from '../lib/floor.mjs';
import { mainThreadCpuMs } from '../lib/thread-cpu.mjs';

const [folder, bound] = process.argv.slice(2);
if (folder === undefined || bound === undefined)
  throw new Error('usage: in-flight.mjs <folder> <K | all>');
let stallMs = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  stallMs = Math.max(stallMs, now - last);
  last = now;
}, 1);
const started = performance.now();
const cpuStarted = mainThreadCpuMs() ?? Number.NaN;
await (bound === 'all'
  ? loadFolder(folder, 'esm')
  : loadFolderBounded(folder, 'esm', Number(bound)));
const ms = performance.now() - started;
const cpuMs = (mainThreadCpuMs() ?? Number.NaN) - cpuStarted;
clearInterval(ticker);
console.log(JSON.stringify({ ms, cpuMs, stallMs }));
