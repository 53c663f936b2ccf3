import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WAIT_FOR_SOURCE, runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

let root: string;
beforeEach(async () => {
  root = await makeTempDir('watch');
  await writeFiles(root, inFolder('plugins/first', esmPlugin('first')));
});
afterEach(async () => {
  await removeDir(root);
});

const WAIT_FOR = WAIT_FOR_SOURCE;

describe.each<HostKind>(['esm', 'cjs'])('watching the folder (%s host)', (kind) => {
  it('loads a new plugin, keeps the old version of a broken one, and lets the process exit on close()', async () => {
    const run = await runHost(
      root,
      `${WAIT_FOR}
const host = new core.PluginHost({ folder: 'plugins', watch: true, watchDebounceMs: 50, logger: false });
const reasons = [];
host.on('reload:start', ({ reason }) => reasons.push(reason));
await host.reload();

// a new plugin appears without calling reload()
touch('plugins/second/index.mjs', "export default { greet: () => 'second' };");
touch('plugins/second/plugin.manifest.json', JSON.stringify({ name: 'second', version: '1.0.0', entryPoint: './index.mjs' }));
await waitFor('second plugin', () => host.get('second') !== undefined);
const second = host.get('second').plugin.greet();

// breaking a loaded plugin keeps its old version and reports the failure
const failed = new Promise((resolve) => host.on('plugin:failed', ({ failure }) => resolve(failure)));
touch('plugins/first/index.mjs', "export default { greet: ( };");
const failure = await failed;
const first = host.get('first').plugin.greet('me');

await host.close();
done({ second, first, failure: [failure.name, failure.stage, failure.code], reasons: [...new Set(reasons)] });
// nothing else keeps the event loop alive: the process must exit by itself`,
      { kind, timeoutMs: 45_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      second: 'second',
      first: 'first greets me',
      failure: ['first', 'import', 'AUG_LOAD_IMPORT'],
      reasons: ['manual', 'watch'],
    });
  });
});

describe.each<HostKind>(['esm', 'cjs'])('watching a hostile folder (%s host)', (kind) => {
  it('gets ready despite symlink loops, survives rm -rf and re-creation, and exits on close()', async () => {
    const run = await runHost(
      root,
      `${WAIT_FOR}
fs.symlinkSync('.', 'plugins/first/self');
fs.symlinkSync('..', 'plugins/first/up');
const errors = [];
const logger = { error: (m) => errors.push(m), warn() {}, info() {}, debug() {} };
const host = new core.PluginHost({ folder: 'plugins', watchDebounceMs: 50, logger });
await host.reload();
await host.watch();

// a deploy: the folder is deleted and copied again, twice
const served = [];
for (const name of ['second', 'third']) {
  touch('build-' + name + '/' + name + '/index.mjs', "export default { greet: () => '" + name + "' };");
  touch('build-' + name + '/' + name + '/plugin.manifest.json', JSON.stringify({ name, version: '1.0.0', entryPoint: './index.mjs' }));
  fs.rmSync('plugins', { recursive: true, force: true });
  fs.cpSync('build-' + name, 'plugins', { recursive: true });
  await waitFor(name + ' plugin', () => host.get(name) !== undefined);
  served.push(host.get(name).plugin.greet());
}
await host.close();
done({ served, watchErrors: errors.filter((m) => m.includes('AUG_WATCH_FAILED')) });
// nothing else keeps the event loop alive: the process must exit by itself`,
      { kind, timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({ served: ['second', 'third'], watchErrors: [] });
  }, 90_000);
});
