// A minimal demo host: loads the plugins in ../plugins, prints them, calls each.
import { fileURLToPath } from 'node:url';
import { PluginHost } from '@augment/core';

/** @param {unknown} p */
const isGreeter = (p) => typeof p === 'object' && p !== null && 'greet' in p;

const host = new PluginHost({
  folder: fileURLToPath(new URL('../plugins', import.meta.url)),
  validator: isGreeter,
});
const report = await host.reload();
console.table(
  host.getAll().map(({ manifest, format, origin, loadMs }) => ({
    name: manifest.name,
    version: manifest.version,
    format,
    from: origin,
    'load ms': Number(loadMs.toFixed(1)),
  })),
);
for (const { manifest, plugin } of host.getAll()) {
  console.log(`${manifest.name}: ${plugin.greet('world')}`);
}
for (const failure of report.failed) {
  console.log(`failed: ${failure.source} [${failure.code}] ${failure.message}`);
}
await host.close();
