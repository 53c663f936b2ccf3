// One cold load in a fresh process: `new PluginHost` + `reload()` (augment)
// or the floor's loop (floor) over a folder of plugins. The clock starts just
// before `new PluginHost` / the loop, after @augment/core is imported.
//
//   node probes/cold.mjs <augment|floor> <folder> <esm|cjs> <expected count> [maps]
// `maps`: the plugins ship index.js.map; neither side turns Node's source maps on.
// Prints one JSON line: { ms, loaded }.
import { isBenchPlugin, loadFolder } from '../lib/floor.mjs';
import { importCore } from '../lib/core.mjs';

const [side, folder, format, expected, maps] = process.argv.slice(2);
if (format !== 'esm' && format !== 'cjs') throw new Error(`bad format ${format}`);
let ms;
let loaded;
if (side === 'augment') {
  const { PluginHost } = await importCore();
  const started = performance.now();
  const host = new PluginHost({ folder, validator: isBenchPlugin, logger: false });
  const report = await host.reload();
  ms = performance.now() - started;
  loaded = host.getAll().length;
  if (report.failed.length > 0) throw new Error(report.failed[0].message);
  // 'auto' maps plugin frames lazily: Node's process-wide source maps stay off
  if (maps === 'maps' && process.sourceMapsEnabled) throw new Error('source maps are on');
} else if (side === 'floor') {
  const started = performance.now();
  const registry = await loadFolder(folder, format);
  ms = performance.now() - started;
  loaded = registry.size;
} else {
  throw new Error(`bad side ${side}`);
}
if (loaded !== Number(expected)) throw new Error(`loaded ${loaded} plugins, expected ${expected}`);
console.log(JSON.stringify({ ms, loaded }));
