import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { PluginHost, type PluginHostOptions } from '../src/index.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/fixtures.js';
import { esmPlugin, inFolder } from './helpers/plugins.js';
import { WAIT } from './helpers/wait.js';

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

it('clears failures on close() and refuses an over-long timeout', async () => {
  await writeFiles(root, inFolder('plugins/bad', esmPlugin('bad', `throw new Error('x')`)));
  const host = makeHost();
  await host.reload();
  expect(host.getFailures()).toHaveLength(1);
  await host.close();
  expect(host.getFailures()).toEqual([]);
  expect(() => makeHost({ loadTimeoutMs: 2 ** 31 })).toThrow(
    expect.objectContaining({ code: 'AUG_OPTIONS_INVALID' }) as Error,
  );
});

it('catches a listener that returns a rejected promise', async () => {
  await writeFiles(root, inFolder('plugins/a', esmPlugin('a')));
  const errors: string[] = [];
  const host = makeHost({ logger: { warn: () => undefined, error: (m) => errors.push(m) } });
  // a plain-JavaScript host may register an async listener despite the void type
  const asyncListener = (() => Promise.reject(new Error('async listener bug'))) as () => void;
  host.on('plugin:loaded', asyncListener);
  await host.reload();
  await vi.waitFor(() => {
    expect(errors.some((e) => e.includes('async listener bug'))).toBe(true);
  }, WAIT);
});
