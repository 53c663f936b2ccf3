import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';

let root: string;
beforeEach(async () => {
  root = await makeTempDir('reload');
});
afterEach(async () => {
  await removeDir(root);
});

const manifest = (name: string, entryPoint: string): string =>
  JSON.stringify({ name, version: '1.0.0', entryPoint, meta: {} });

// Writes an ESM and a CJS plugin, each with a helper module, and a stable one.
const SETUP = `
const dir = (name) => path.join('plugins', name);
touch(path.join(dir('esm'), 'plugin.manifest.json'), ${JSON.stringify(manifest('esm', './index.mjs'))});
touch(path.join(dir('esm'), 'index.mjs'), "import { word } from './helper.mjs';\\nexport default { greet: () => 'esm ' + word };\\n");
touch(path.join(dir('esm'), 'helper.mjs'), "export const word = 'one';\\n");
touch(path.join(dir('cjs'), 'plugin.manifest.json'), ${JSON.stringify(manifest('cjs', './index.js'))});
touch(path.join(dir('cjs'), 'index.js'), "const { word } = require('./helper.js');\\nmodule.exports = { greet: () => 'cjs ' + word };\\n");
touch(path.join(dir('cjs'), 'helper.js'), "exports.word = 'one';\\n");
touch(path.join(dir('stable'), 'plugin.manifest.json'), ${JSON.stringify(manifest('stable', './index.mjs'))});
touch(path.join(dir('stable'), 'index.mjs'), "export default { greet: () => 'stable' };\\n");
const host = new core.PluginHost({ folder: 'plugins', logger: false });
const greet = () => Object.fromEntries(host.getAll().map((e) => [e.manifest.name, e.plugin.greet()]));
const first = await host.reload();
const stableBefore = host.get('stable').plugin;
`;

describe.each<HostKind>(['esm', 'cjs'])('reload in a real process (%s host)', (kind) => {
  it('runs new code after the entry point changes, and keeps unchanged plugins as they are', async () => {
    const run = await runHost(
      root,
      `${SETUP}
touch(path.join(dir('esm'), 'index.mjs'), "import { word } from './helper.mjs';\\nexport default { greet: () => 'ESM v2 ' + word };\\n");
touch(path.join(dir('cjs'), 'index.js'), "const { word } = require('./helper.js');\\nmodule.exports = { greet: () => 'CJS v2 ' + word };\\n");
const second = await host.reload();
done({ first: first.added, second, greetings: greet(), sameStable: host.get('stable').plugin === stableBefore });
await host.close();`,
      { kind },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({
      first: ['cjs', 'esm', 'stable'],
      second: { updated: ['cjs', 'esm'], unchanged: ['stable'], added: [], removed: [] },
      greetings: { esm: 'ESM v2 one', cjs: 'CJS v2 one', stable: 'stable' },
      sameStable: true,
    });
  });

  it("hands each getAll() caller its own array: one caller's sort reaches no other", async () => {
    const run = await runHost(
      root,
      `${SETUP}
const sorted = host.getAll().sort((a, b) => (a.manifest.name < b.manifest.name ? 1 : -1));
const truncated = host.getAll();
truncated.length = 1;
done({
  sorted: sorted.map((e) => e.manifest.name),
  truncated: truncated.map((e) => e.manifest.name),
  after: host.getAll().map((e) => e.manifest.name),
  find: host.find(() => true).greet(),
});
await host.close();`,
      { kind },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      sorted: ['stable', 'esm', 'cjs'],
      truncated: ['cjs'],
      after: ['cjs', 'esm', 'stable'],
      find: 'cjs one',
    });
  });

  it('runs the new helper when only a helper file changes', async () => {
    const run = await runHost(
      root,
      `${SETUP}
touch(path.join(dir('esm'), 'helper.mjs'), "export const word = 'two';\\n");
touch(path.join(dir('cjs'), 'helper.js'), "exports.word = 'two';\\n");
const second = await host.reload();
const afterSecond = greet();
touch(path.join(dir('esm'), 'helper.mjs'), "export const word = 'three';\\n");
touch(path.join(dir('cjs'), 'helper.js'), "exports.word = 'three!';\\n");
await host.reload();
done({ updated: second.updated, afterSecond, afterThird: greet() });
await host.close();`,
      { kind },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      updated: ['cjs', 'esm'],
      afterSecond: { esm: 'esm two', cjs: 'cjs two', stable: 'stable' },
      afterThird: { esm: 'esm three', cjs: 'cjs three!', stable: 'stable' },
    });
  });

  it('removes a deleted plugin, and keeps the last known good version when an update breaks', async () => {
    const run = await runHost(
      root,
      `${SETUP}
fs.rmSync(dir('stable'), { recursive: true });
touch(path.join(dir('esm'), 'index.mjs'), "export default { greet: () => { throw new Error('x') }, ;\\n");
touch(path.join(dir('cjs'), 'plugin.manifest.json'), '{ "name": "cjs", ');
const second = await host.reload();
done({
  removed: second.removed,
  kept: second.kept,
  failed: second.failed.map((f) => [f.name ?? null, f.stage, f.code]),
  greetings: greet(),
});
await host.close();`,
      { kind },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      removed: ['stable'],
      kept: ['cjs', 'esm'],
      failed: [
        [null, 'manifest', 'AUG_MANIFEST_PARSE'],
        ['esm', 'import', 'AUG_LOAD_IMPORT'],
      ],
      greetings: { esm: 'esm one', cjs: 'cjs one' },
    });
  });
});

describe('fresh imports without the resolve hook', () => {
  it('re-imports a single-module ESM plugin by its URL alone, and registers the hook for the first plugin with more modules', async () => {
    const run = await runHost(
      root,
      `
const state = () => globalThis[Symbol.for('augment.loader')];
const hooks = () => state() === undefined ? 0 : state().hookProtocols.size;
const write = (name, files) => { for (const [file, text] of Object.entries(files)) touch(path.join('plugins', name, file), text); };
// what augment build writes: one bundle, its map, the manifest, package.json
write('single', {
  'plugin.manifest.json': ${JSON.stringify(manifest('single', './index.js'))},
  'package.json': '{ "type": "module" }',
  'index.js': "export default { greet: () => 'single v1' };\\n",
  'index.js.map': '{"version":3,"sources":[],"mappings":""}',
  'assets/logo.txt': 'logo',
});
// a plugin whose only other module sits in its node_modules
write('vendored', {
  'plugin.manifest.json': ${JSON.stringify(manifest('vendored', './index.mjs'))},
  'index.mjs': "import { word } from 'dep';\\nexport default { greet: () => 'vendored ' + word };\\n",
  'node_modules/dep/package.json': '{ "name": "dep", "type": "module", "exports": "./index.js" }',
  'node_modules/dep/index.js': "export const word = 'v1';\\n",
});
const host = new core.PluginHost({ folder: 'plugins', logger: false, sourceMaps: false });
await host.reload();
write('single', { 'index.js': "export default { greet: () => 'single version 2' };\\n" });
const afterSingle = await host.reload();
const single = { updated: afterSingle.updated, greeting: host.get('single').plugin.greet(), hooks: hooks() };
write('vendored', { 'index.mjs': "import { word } from 'dep';\\nexport default { greet: () => 'VENDORED v2 ' + word };\\n" });
const afterVendored = await host.reload();
done({
  single,
  vendored: { updated: afterVendored.updated, greeting: host.get('vendored').plugin.greet(), hooks: hooks() },
});
await host.close();`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      single: { updated: ['single'], greeting: 'single version 2', hooks: 0 },
      vendored: { updated: ['vendored'], greeting: 'VENDORED v2 v1', hooks: 1 },
    });
  });
});
