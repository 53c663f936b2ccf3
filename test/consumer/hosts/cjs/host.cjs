// A CommonJS host: `require` must get the CommonJS build of the installed
// @augment/core. Prints what it loaded as one line of JSON.
//
//   node host.cjs <plugins folder>
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is the point */
'use strict';
const { PluginHost } = require('@augment/core');

const isGreeter = (value) =>
  typeof value === 'object' && value !== null && typeof value.greet === 'function';

async function main() {
  const host = new PluginHost({ folder: process.argv[2], validator: isGreeter });
  const report = await host.reload();
  console.log(
    JSON.stringify({
      core: require.resolve('@augment/core'),
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
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
