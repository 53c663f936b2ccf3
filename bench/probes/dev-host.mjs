// A host for the `augment dev` row: serves the plugins of a folder and
// reloads them either when `augment dev` tells it (`dev: true`, the
// handshake) or from its own file watching (`watch: true`). After each
// reload it prints `SERVED <greeting>` for every plugin, calling its
// `greet('bench')`, so that the parent times a save until the new code runs.
//
//   node probes/dev-host.mjs <folder> dev|watch
import { importCore } from '../lib/core.mjs';

const [folder, mode] = process.argv.slice(2);
if (folder === undefined || (mode !== 'dev' && mode !== 'watch')) {
  throw new Error('usage: dev-host.mjs <folder> dev|watch');
}
const { PluginHost } = await importCore();
const host = new PluginHost({
  folder,
  logger: false,
  ...(mode === 'dev' ? { dev: true, watch: false } : { dev: false, watch: true }),
});
const serve = () => {
  for (const entry of host.getAll()) {
    const plugin = /** @type {{ greet?: (who: string) => string }} */ (entry.plugin);
    process.stdout.write(`SERVED ${plugin.greet?.('bench') ?? '(no greet)'}\n`);
  }
};
host.on('reload:done', serve);
await host.reload();
process.stdout.write('READY\n');
// the dev endpoint does not keep a process alive (a real host's server would)
const stay = setInterval(() => undefined, 60_000);
const stop = async () => {
  await host.close();
  clearInterval(stay);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
