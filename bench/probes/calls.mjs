// Call overhead, measured with mitata in a fresh process: a plugin method
// called through the host's registry (augment) or imported directly (floor).
//
//   node probes/calls.mjs <augment|floor> <folder of ESM plugins> <min cpu ms>
// Prints one JSON line: { [case]: nanoseconds per call }: the fastest of
// mitata's samples (each the mean of a batch of calls); time on a shared
// machine only ever adds to a call, so the minimum is the steadiest estimate
// of what the call itself costs (the 25th percentile still moved by tens of
// per cent from one process to the next).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { do_not_optimize, measure } from 'mitata';
import { isBenchPlugin } from '../lib/floor.mjs';
import { importCore } from '../lib/core.mjs';

const [side, folder, minCpuMs] = process.argv.slice(2);
const options = { min_cpu_time: Number(minCpuMs) * 1e6 };
const order = {
  id: 'order-1',
  country: 'DE',
  lines: [
    { sku: 'ABC-123', quantity: 2, price: 9.99 },
    { sku: 'XYZ-9000', quantity: 1, price: 100 },
    { sku: 'KIT-42', quantity: 5, price: 3.5 },
  ],
};
const NAME = 'bench-esm-p00000';

/**
 * @typedef {{
 *   summarize: (order: unknown) => unknown,
 *   greet: (name: string) => string,
 *   add: (a: number, b: number) => number,
 * }} BenchPlugin
 * @typedef {{ plugin: BenchPlugin }} Entry
 */

/** @type {Record<string, () => unknown>} */
let cases;
if (side === 'augment') {
  const { PluginHost } = await importCore();
  const host = new PluginHost({ folder, validator: isBenchPlugin, logger: false });
  const report = await host.reload();
  if (report.added.length === 0 || report.failed.length > 0) throw new Error('no plugin loaded');
  const held = /** @type {BenchPlugin} */ (host.get(NAME)?.plugin);
  cases = {
    held: () => do_not_optimize(held.summarize(order)),
    get: () => do_not_optimize(/** @type {Entry} */ (host.get(NAME)).plugin.summarize(order)),
    getAll: () => {
      for (const entry of host.getAll()) {
        do_not_optimize(/** @type {BenchPlugin} */ (entry.plugin).greet('world'));
      }
    },
    getTrivial: () => do_not_optimize(/** @type {Entry} */ (host.get(NAME)).plugin.add(1, 2)),
  };
} else if (side === 'floor') {
  const { readdirSync } = await import('node:fs');
  /** @type {{ summarize: BenchPlugin['summarize'], greet: BenchPlugin['greet'], add: BenchPlugin['add'] }[]} */
  const modules = [];
  for (const name of readdirSync(folder).sort()) {
    modules.push(await import(pathToFileURL(join(folder, name, 'index.js')).href));
  }
  // What a host without Augment holds: each plugin's default export, called
  // the same way as through the registry (a method call on that object), so
  // that the ratio shows the registry's cost and not a different call shape.
  const plugins = modules.map((m) => /** @type {{ default: BenchPlugin }} */ (m).default);
  const held = /** @type {BenchPlugin} */ (plugins[0]);
  cases = {
    held: () => do_not_optimize(held.summarize(order)),
    get: () => do_not_optimize(held.summarize(order)),
    getAll: () => {
      for (const plugin of plugins) do_not_optimize(plugin.greet('world'));
    },
    getTrivial: () => do_not_optimize(held.add(1, 2)),
  };
} else {
  throw new Error(`bad side ${side}`);
}

/** @type {Record<string, number>} */
const result = {};
for (const [name, fn] of Object.entries(cases)) {
  const stats = await measure(fn, options);
  result[name] = stats.min;
}
console.log(JSON.stringify(result));
