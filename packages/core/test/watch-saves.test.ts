// A watching host never loses a save: chokidar reports one `change` of a file
// per 50 ms, so a second write inside that window gets no `change` event. The
// folder watcher also counts raw events and scans once more after the window
// (src/watch.ts); these tests pin that the host ends serving the last write.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { PluginHost } from '../src/index.js';
import { writeFiles } from './helpers/fixtures.js';
import { esmPlugin, inFolder } from './helpers/plugins.js';
import { useTempHosts } from './helpers/temp-hosts.js';

const temp = useTempHosts('watch-saves');

/** Double writes per test: any one lost fails it. */
const ROUNDS = 6;
/** How long a write may take to be served on a busy machine. */
const SERVED_MS = 20_000;

const source = (text: string): string =>
  `export default { greet: () => ${JSON.stringify(text)} };\n`;

/** What the plugin `saver` answers now, or undefined when it is not loaded. */
function greeting(host: PluginHost): unknown {
  const plugin = host.find((manifest) => manifest.name === 'saver');
  if (typeof plugin !== 'object' || plugin === null) return undefined;
  const greet: unknown = Reflect.get(plugin, 'greet');
  return typeof greet === 'function' ? (greet as () => unknown)() : undefined;
}

/** Resolves once the host serves `text` (checked on each load and every 25 ms). */
async function served(host: PluginHost, text: string): Promise<void> {
  const until = Date.now() + SERVED_MS;
  while (greeting(host) !== text) {
    if (Date.now() > until) {
      throw new Error(`the host still serves ${String(greeting(host))}, not ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves on the next `plugin:loaded` of `saver` that serves `text`. */
function loadedWith(host: PluginHost, text: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (): void => {
      if (greeting(host) !== text) return;
      host.off('plugin:loaded', listener);
      resolve();
    };
    host.on('plugin:loaded', listener);
  });
}

async function watchingHost(): Promise<{ host: PluginHost; file: string }> {
  await writeFiles(temp.root, inFolder('plugins/saver', esmPlugin('saver', source('v-0'))));
  const host = temp.makeHost({ watch: true, watchDebounceMs: 20 });
  await host.reload();
  expect(greeting(host)).toBe('v-0');
  return { host, file: join(temp.root, 'plugins/saver/index.mjs') };
}

it('a write right after the reload of the previous one is served', async () => {
  const { host, file } = await watchingHost();
  for (let round = 1; round <= ROUNDS; round += 1) {
    const first = loadedWith(host, `first-${round}`);
    writeFileSync(file, source(`first-${round}`));
    await first;
    // at once: within the throttle window of the first write's change event
    writeFileSync(file, source(`second-${round}`));
    await served(host, `second-${round}`);
  }
});

it('two writes a few ms apart: the host serves the second', async () => {
  const { host, file } = await watchingHost();
  for (let round = 1; round <= ROUNDS; round += 1) {
    writeFileSync(file, source(`one-${round}`));
    writeFileSync(file, source(`two-${round}`));
    await served(host, `two-${round}`);
  }
});
