import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
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

const WAIT_FOR = `
const waitFor = async (what, test) => {
  const until = Date.now() + 20_000;
  while (!test()) {
    if (Date.now() > until) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
};
`;

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
