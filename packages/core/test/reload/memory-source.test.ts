// A source other than the host's folder (remote archives, a second folder)
// plugs into the reloader without changing it: an in-memory source's plugins
// load, update and go like the folder's, next to them.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { resolveHostOptions } from '../../src/options.js';
import { Reloader, type ReloadSink } from '../../src/reload/reloader.js';
import { createFolderSources } from '../../src/sources/discovery.js';
import type { PluginEntry } from '../../src/types.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { MemorySource } from '../helpers/memory-source.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

interface Greeter {
  greet(who: string): string;
}

let root: string;
beforeEach(async () => {
  root = await makeTempDir('memory-source');
});
afterEach(async () => {
  await removeDir(root);
});

function recordingSink(events: string[]): ReloadSink<Greeter, unknown> {
  return {
    failed: (f) => events.push(`failed ${f.code}`),
    loaded: (e: PluginEntry<Greeter, unknown>) => events.push(`loaded ${e.manifest.name}`),
    unloaded: (e, reason) => events.push(`unloaded ${e.manifest.name} ${reason}`),
    skipped: () => undefined,
  };
}

it('loads, updates and removes the plugins of an in-memory source beside the folder', async () => {
  await writeFiles(root, {
    ...inFolder('plugins/folder-one', esmPlugin('folder-one')),
    ...inFolder('elsewhere/v1', esmPlugin('remote', `export default { greet: () => 'v1' };`)),
    ...inFolder('elsewhere/v2', esmPlugin('remote', `export default { greet: () => 'v2' };`)),
  });
  const options = resolveHostOptions<Greeter, unknown>({
    folder: join(root, 'plugins'),
    cacheDir: join(root, 'cache'),
    logger: false,
  });
  const memory = new MemorySource();
  const events: string[] = [];
  const reloader = new Reloader(options, recordingSink(events), [
    ...createFolderSources(options),
    memory,
  ]);

  memory.put('remote', join(root, 'elsewhere/v1'));
  const first = await reloader.scan();
  expect(first.added).toEqual(['folder-one', 'remote']);
  expect(reloader.registry.get('remote')?.plugin.greet('x')).toBe('v1');
  expect(reloader.registry.get('remote')?.source).toBe('memory:remote');
  expect([...memory.lastKept]).toEqual([join(root, 'elsewhere/v1')]);

  expect((await reloader.scan()).unchanged).toEqual(['folder-one', 'remote']);

  memory.put('remote', join(root, 'elsewhere/v2'));
  const second = await reloader.scan();
  expect(second).toMatchObject({ updated: ['remote'], unchanged: ['folder-one'] });
  expect(reloader.registry.get('remote')?.plugin.greet('x')).toBe('v2');

  memory.delete('remote');
  const third = await reloader.scan();
  expect(third).toMatchObject({ removed: ['remote'], unchanged: ['folder-one'] });
  expect(reloader.registry.get('remote')).toBeUndefined();
  expect([...memory.lastKept]).toEqual([]);

  await reloader.unloadAll();
  await reloader.close();
  expect(events).toEqual([
    'loaded folder-one',
    'loaded remote',
    'loaded remote',
    'unloaded remote replaced',
    'unloaded remote removed',
    'unloaded folder-one closed',
  ]);
  expect(memory.calls.slice(0, 3)).toEqual(['beginScan', 'candidates', 'endScan']);
  expect(memory.calls.at(-1)).toBe('close');
});

it('keeps serving a source’s plugins while it cannot tell what it holds', async () => {
  await writeFiles(root, inFolder('elsewhere/p', esmPlugin('remote')));
  const options = resolveHostOptions<Greeter, unknown>({
    folder: join(root, 'none'),
    logger: false,
  });
  const memory = new MemorySource();
  const reloader = new Reloader(options, recordingSink([]), [memory]);
  memory.put('remote', join(root, 'elsewhere/p'));
  expect((await reloader.scan()).added).toEqual(['remote']);
  // the same source, answering "I cannot tell" this time (a remote index that is offline)
  memory.candidates = () =>
    Promise.resolve({ candidates: [], problems: [], skipped: [], complete: false });
  expect((await reloader.scan()).kept).toEqual(['remote']);
  expect(reloader.registry.get('remote')).toBeDefined();
  await reloader.unloadAll();
});
