// A host that serves the plugins of a folder and reloads them as they change
// (`watch: true`): what a host developing against `augment watch` runs.
// After each reload it prints `SERVED <greeting>` for every plugin, calling
// its `greet()`, so that the parent times an edit until the new code runs.
//
//   node probes/serve.mjs <folder>
import { importCore } from '../lib/core.mjs';

const [folder] = process.argv.slice(2);
if (folder === undefined) throw new Error('usage: serve.mjs <folder>');
const { PluginHost } = await importCore();
const host = new PluginHost({ folder, watch: true, logger: false });
const serve = () => {
  for (const entry of host.getAll()) {
    const plugin = /** @type {{ greet?: () => string }} */ (entry.plugin);
    process.stdout.write(`SERVED ${plugin.greet?.() ?? '(no greet)'}\n`);
  }
};
host.on('reload:done', serve);
await host.reload();
process.stdout.write('READY\n');
const stop = async () => {
  await host.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
