// A host serving HTTP on 127.0.0.1 while it loads plugins: what its clients
// see. A client in the same process sends one request at a time, each 2 ms
// after the last answer; a 1 ms interval measures the longest stall of the
// event loop (wall clock). Phases:
//   idle    1 s before any load (the host serves an empty registry)
//   cold    during the cold load of the folder
//   reload  during a reload after every entry point changed (augment only)
// The answer reads host.getAll() and host.get() (the floor: its Map).
//
//   node probes/http.mjs <augment|floor|unbounded> <folder> <expected count>
// `floor`: the floor's loader with 64 imports in flight at once; `unbounded`: the
// cold-load floor of section 1 (every import at once), for the total time.
// Prints one JSON line: { idle, cold, reload? } with { ms, requests, p50, p99, max, stallMs,
// cpuStallMs, cpuMs }: stallMs is the longest gap between two ticks of the interval (wall clock),
// cpuStallMs the longest CPU time the main thread used within one gap (Linux only), which a
// machine busy with other processes does not inflate, and cpuMs the main thread's CPU time
// over the phase (Linux only).
import { readdir, utimes } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import { join } from 'node:path';
import { isBenchPlugin, loadFolder, loadFolderBounded } from '../lib/floor.mjs';
import { mainThreadCpuMs } from '../lib/thread-cpu.mjs';
import { importCore } from '../lib/core.mjs';
import { quantile } from '../lib/stats.mjs';

const FLOOR_IN_FLIGHT = 64;
const [side, folder, expected] = process.argv.slice(2);
if (folder === undefined || expected === undefined) {
  throw new Error('usage: http.mjs <augment|floor|unbounded> <folder> <expected count>');
}

/** @type {() => { count: number, first: unknown }} */
let answer;
/** @type {() => Promise<void>} */
let coldLoad;
/** @type {(() => Promise<void>) | undefined} */
let reload;
if (side === 'augment') {
  const { PluginHost } = await importCore();
  const host = new PluginHost({ folder, validator: isBenchPlugin, logger: false });
  answer = () => ({
    count: host.getAll().length,
    first: host.get('bench-esm-p00001')?.manifest.version,
  });
  const check = (/** @type {import('@augment/core').ReloadReport} */ report) => {
    if (report.failed.length > 0) throw new Error(report.failed[0].message);
  };
  coldLoad = async () => check(await host.reload());
  reload = async () => {
    const later = new Date(Date.now() + 10_000);
    for (const dir of await readdir(folder)) {
      await utimes(join(folder, dir, 'index.js'), later, later);
    }
    check(await host.reload());
  };
} else if (side === 'floor') {
  const registry = new Map();
  answer = () => ({
    count: [...registry.keys()].length,
    first: registry.get('bench-esm-p00001') !== undefined,
  });
  coldLoad = () =>
    loadFolderBounded(folder, 'esm', FLOOR_IN_FLIGHT, ({ name, plugin }) => {
      if (isBenchPlugin(plugin)) registry.set(name, plugin);
    });
} else if (side === 'unbounded') {
  /** @type {Map<string, unknown>} */
  let registry = new Map();
  answer = () => ({
    count: [...registry.keys()].length,
    first: registry.get('bench-esm-p00001') !== undefined,
  });
  coldLoad = async () => {
    registry = await loadFolder(folder, 'esm');
  };
} else {
  throw new Error(`bad side ${side}`);
}

const server = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(answer()));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('no port');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request; resolves with its latency in ms. */
const get = () =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port: address.port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });

/**
 * Serves requests while `work` runs (or for `idleMs`), measuring them and the loop.
 *
 * @param {() => Promise<void>} work
 */
async function measure(work) {
  /** @type {number[]} */
  const latencies = [];
  let done = false;
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  let stallMs = 0;
  let cpuStallMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    stallMs = Math.max(stallMs, now - last);
    if (cpu !== undefined && lastCpu !== undefined) {
      cpuStallMs = Math.max(cpuStallMs, Math.min(now - last, cpu - lastCpu));
    }
    last = now;
    lastCpu = cpu;
  }, 1);
  const client = (async () => {
    while (!done) {
      latencies.push(await get());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const started = performance.now();
  const startedCpu = mainThreadCpuMs();
  await work();
  const ms = performance.now() - started;
  const endCpu = mainThreadCpuMs();
  done = true;
  await client;
  clearInterval(probe);
  return {
    ms,
    requests: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    stallMs,
    ...(endCpu === undefined || startedCpu === undefined
      ? {}
      : { cpuStallMs, cpuMs: endCpu - startedCpu }),
  };
}

const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, 1000)));
const cold = await measure(coldLoad);
const loaded = answer().count;
if (loaded !== Number(expected)) throw new Error(`loaded ${loaded} plugins, expected ${expected}`);
const result = { idle, cold, ...(reload === undefined ? {} : { reload: await measure(reload) }) };
agent.destroy();
server.close();
console.log(JSON.stringify(result));
