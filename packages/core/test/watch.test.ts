import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PluginHost, type PluginHostOptions } from '../src/index.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/fixtures.js';
import { esmPlugin, inFolder } from './helpers/plugins.js';

let root: string;
const hosts: PluginHost[] = [];
beforeEach(async () => {
  root = await makeTempDir('review');
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await chmod(root, 0o755).catch(() => undefined);
  await removeDir(root);
});
function makeHost(options: Partial<PluginHostOptions> = {}): PluginHost {
  const host = new PluginHost({ folder: join(root, 'plugins'), logger: false, ...options });
  hosts.push(host);
  return host;
}

it('starts watching a folder that does not exist yet once it appears', async () => {
  const host = makeHost({ watchDebounceMs: 20 });
  await host.watch();
  const loaded = new Promise<string>((resolve) => {
    host.on('plugin:loaded', ({ entry }) => {
      resolve(entry.manifest.name);
    });
  });
  await mkdir(join(root, 'plugins'));
  await writeFiles(root, inFolder('plugins/late', esmPlugin('late')));
  expect(await loaded).toBe('late');
});
