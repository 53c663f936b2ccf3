import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeFiles } from './helpers/fixtures.js';
import { useTempHosts } from './helpers/temp-hosts.js';
import { esmPlugin, inFolder } from './helpers/plugins.js';

const temp = useTempHosts('review');
const { makeHost } = temp;

it('starts watching a folder that does not exist yet once it appears', async () => {
  const host = makeHost({ watchDebounceMs: 20 });
  await host.watch();
  const loaded = new Promise<string>((resolve) => {
    host.on('plugin:loaded', ({ entry }) => {
      resolve(entry.manifest.name);
    });
  });
  await mkdir(join(temp.root, 'plugins'));
  await writeFiles(temp.root, inFolder('plugins/late', esmPlugin('late')));
  expect(await loaded).toBe('late');
});
