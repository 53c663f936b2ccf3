// The reloader keeps what serves when a folder, a plugin directory, an ignore
// predicate or a plugin fails, and reports a standing failure once.
import { chmod, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type PluginFailure } from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { useTempHosts } from '../helpers/temp-hosts.js';
import { cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';

const temp = useTempHosts('review');
const { makeHost } = temp;

it('removes the plugins of a folder that is gone, and loads them again when it returns', async () => {
  await writeFiles(temp.root, inFolder('plugins/a', esmPlugin('a')));
  const unloaded: string[] = [];
  const host = makeHost({ onUnload: (e) => void unloaded.push(e.manifest.name) });
  await host.reload();
  await rename(join(temp.root, 'plugins'), join(temp.root, 'moved'));
  await writeFiles(temp.root, { plugins: 'not a directory right now' });
  const report = await host.reload();
  expect(report.failed.map((f) => f.code)).toEqual(['AUG_FOLDER_MISSING']);
  expect(report.removed).toEqual(['a']);
  await rm(join(temp.root, 'plugins'));
  await rename(join(temp.root, 'moved'), join(temp.root, 'plugins'));
  expect((await host.reload()).added).toEqual(['a']);
  expect(unloaded).toEqual(['a']);
});

it('keeps every plugin serving when the folder exists but cannot be listed', async () => {
  await writeFiles(temp.root, inFolder('real/a', esmPlugin('a')));
  await symlink(join(temp.root, 'real'), join(temp.root, 'plugins'));
  const host = makeHost();
  await host.reload();
  // a symlink loop: the path exists, listing it fails with ELOOP
  await rm(join(temp.root, 'plugins'));
  await symlink(join(temp.root, 'plugins'), join(temp.root, 'plugins'));
  const report = await host.reload();
  expect(report.failed.map((f) => f.code)).toEqual(['AUG_FOLDER_UNREADABLE']);
  expect(report).toMatchObject({ kept: ['a'], removed: [] });
  expect(host.get('a')).toBeDefined();
});

it('keeps the last known good version when one plugin directory cannot be read', async () => {
  if (process.getuid?.() === 0) return; // root reads everything; covered by the unit test of reload
  await writeFiles(temp.root, inFolder('plugins/a', esmPlugin('a')));
  const host = makeHost();
  await host.reload();
  await chmod(join(temp.root, 'plugins/a'), 0o000);
  const report = await host.reload();
  await chmod(join(temp.root, 'plugins/a'), 0o755);
  expect(report.kept).toEqual(['a']);
  expect(host.get('a')).toBeDefined();
});

it('reports a throwing ignore predicate as a failure instead of rejecting reload()', async () => {
  await writeFiles(temp.root, {
    ...inFolder('plugins/a', esmPlugin('a')),
    ...inFolder('plugins/b', esmPlugin('b')),
  });
  const host = makeHost({
    ignore: (m) => {
      if (m.name === 'a') throw new Error('predicate bug');
      return false;
    },
  });
  const report = await host.reload();
  expect(report.added).toEqual(['b']);
  expect(report.failed.map((f) => [f.name, f.code])).toEqual([['a', 'AUG_VALIDATE_THREW']]);
});

it('does not purge a CommonJS plugin renamed in place (same directory, new name)', async () => {
  await writeFiles(
    temp.root,
    inFolder('plugins/p', cjsPlugin('old-name', `module.exports = { greet: () => 'v1' };`)),
  );
  const host = makeHost();
  await host.reload();
  await writeFiles(
    temp.root,
    inFolder('plugins/p', cjsPlugin('new-name', `module.exports = { greet: () => 'v2' };`)),
  );
  const report = await host.reload();
  expect(report).toMatchObject({ added: ['new-name'], removed: ['old-name'] });
  const { createRequire } = await import('node:module');
  const entry = join(host.get('new-name')!.dir, 'index.cjs');
  // still cached: requiring it again returns the very object the host serves
  expect(createRequire(entry)(entry)).toBe(host.get('new-name')!.plugin);
});

it('logs and emits a standing failure once, not again at every scan', async () => {
  await writeFiles(temp.root, {
    ...inFolder('plugins/bad', esmPlugin('bad', `throw new Error('x')`)),
    ...inFolder('plugins/dup-a', esmPlugin('dup')),
    ...inFolder('plugins/dup-b', esmPlugin('dup')),
  });
  const warned: string[] = [];
  const host = makeHost({ logger: { warn: (m) => warned.push(m), error: () => undefined } });
  const emitted: PluginFailure[] = [];
  host.on('plugin:failed', ({ failure }) => emitted.push(failure));
  await host.reload();
  const second = await host.reload();
  expect(second.failed).toHaveLength(2);
  expect(host.getFailures()).toHaveLength(2);
  expect(emitted).toHaveLength(2);
  expect(warned).toHaveLength(2);
});
