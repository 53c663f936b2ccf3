import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PluginHost, type PluginHostOptions } from '../../src/index.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

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

it('awaits an async type guard instead of treating its promise as a pass', async () => {
  await writeFiles(root, inFolder('plugins/a', esmPlugin('a')));
  const asyncGuard = ((p: unknown) => Promise.resolve(p === 'never')) as unknown as (
    p: unknown,
  ) => p is never;
  const report = await makeHost({ validator: asyncGuard }).reload();
  expect(report.failed.map((f) => f.code)).toEqual(['AUG_VALIDATE_REJECTED']);
});
