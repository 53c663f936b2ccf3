// One cold load of realistic built plugins in a fresh process (run with
// --expose-gc): `new PluginHost` + `reload()` with the default options
// (augment) or with `sourceMaps: true` (augment-eager), or the floor's bare
// import loop (floor). The clock starts after @augment/core is imported.
// After the clock: the heap retained (after a full GC) and, for Augment,
// whether a plugin's thrown error names its TypeScript source.
//
//   node --expose-gc probes/built.mjs <augment|augment-eager|floor> <folder> <expected count>
// Prints one JSON line: { ms, loaded, heapMB, sourceMapsEnabled, mapped }.
import { isBenchPlugin, loadFolder } from '../lib/floor.mjs';
import { importCore } from '../lib/core.mjs';

const [side, folder, expected] = process.argv.slice(2);
/** @type {() => unknown[]} */
let plugins;
let ms;
if (side === 'augment' || side === 'augment-eager') {
  const { PluginHost } = await importCore();
  const started = performance.now();
  const host = new PluginHost({
    folder,
    validator: isBenchPlugin,
    logger: false,
    ...(side === 'augment-eager' ? { sourceMaps: true } : {}),
  });
  const report = await host.reload();
  ms = performance.now() - started;
  if (report.failed.length > 0) throw new Error(report.failed[0].message);
  plugins = () => host.getAll().map((entry) => entry.plugin);
} else if (side === 'floor') {
  const started = performance.now();
  const registry = await loadFolder(folder, 'esm');
  ms = performance.now() - started;
  plugins = () => [...registry.values()];
} else {
  throw new Error(`bad side ${side}`);
}
const loaded = plugins();
if (loaded.length !== Number(expected)) {
  throw new Error(`loaded ${loaded.length} plugins, expected ${expected}`);
}
globalThis.gc?.();
const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
let stack = '';
try {
  /** @type {{ fail(): never }} */ (loaded[0]).fail();
} catch (error) {
  stack = String(/** @type {Error} */ (error).stack);
}
const mapped = /augment-plugin:\/\/\/built-\d+@1\.0\.0\/src\/index\.ts:\d+:\d+/.test(stack);
console.log(
  JSON.stringify({
    ms,
    loaded: loaded.length,
    heapMB,
    sourceMapsEnabled: process.sourceMapsEnabled,
    mapped,
  }),
);
