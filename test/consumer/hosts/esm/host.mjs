// An ES module host: `import` must get the ESM build of the installed
// @augment/core. Prints what it loaded as one line of JSON.
//
//   node host.mjs <plugins folder>
import { fileURLToPath } from 'node:url';
import { PluginHost } from '@augment/core';

const isGreeter = (value) =>
  typeof value === 'object' && value !== null && typeof value.greet === 'function';

const host = new PluginHost({ folder: process.argv[2], validator: isGreeter });
const report = await host.reload();
console.log(
  JSON.stringify({
    core: fileURLToPath(import.meta.resolve('@augment/core')),
    failed: report.failed.map((failure) => `${failure.code}: ${failure.message}`),
    plugins: host.getAll().map(({ manifest, plugin, format, origin }) => ({
      name: manifest.name,
      format,
      origin,
      greeting: plugin.greet('consumer'),
    })),
    first: host.find(() => true)?.greet('first'),
  }),
);
await host.close();
