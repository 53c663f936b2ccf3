// Dependencies, enable/disable and strict mode in real host processes,
// from an ES module host and a CommonJS host of the built package.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';

let root: string;
beforeEach(async () => {
  root = await makeTempDir('dependencies-integration');
});
afterEach(async () => {
  await removeDir(root);
});

const manifest = (name: string, entryPoint: string, extra: object = {}): string =>
  JSON.stringify({ name, version: '1.0.0', entryPoint, meta: {}, ...extra });

// base (ESM) gives a word; ext (CJS) and top (ESM) build on it; onLoad wires
// each plugin to the dependencies it was loaded against.
const SETUP = `
const dir = (name) => path.join('plugins', name);
touch(path.join(dir('base'), 'plugin.manifest.json'), ${JSON.stringify(manifest('base', './index.mjs'))});
touch(path.join(dir('base'), 'index.mjs'), "export default { word: () => 'one' };\\n");
touch(path.join(dir('ext'), 'plugin.manifest.json'), ${JSON.stringify(manifest('ext', './index.js', { pluginDependencies: { base: '^1.0.0' } }))});
touch(path.join(dir('ext'), 'index.js'), "let base; module.exports = { wire: (deps) => { base = deps.base.plugin; }, word: () => 'ext+' + base.word() };\\n");
touch(path.join(dir('top'), 'plugin.manifest.json'), ${JSON.stringify(manifest('top', './index.mjs', { pluginDependencies: { ext: '*' }, optionalPluginDependencies: { missing: '*' } }))});
touch(path.join(dir('top'), 'index.mjs'), "let ext; export default { wire: (deps) => { ext = deps.ext.plugin; }, word: () => 'top+' + ext.word() };\\n");
const log = [];
const host = new core.PluginHost({
  folder: 'plugins',
  logger: false,
  onLoad: (entry) => { entry.plugin.wire?.(entry.dependencies); log.push('load ' + entry.manifest.name); },
  onUnload: (entry) => { log.push('unload ' + entry.manifest.name); },
});
const first = await host.reload();
`;

describe.each<HostKind>(['esm', 'cjs'])(
  'plugin dependencies in a real process (%s host)',
  (kind) => {
    it('loads in order, cascades an update, switches a plugin off and on, and unloads dependents first', async () => {
      const run = await runHost(
        root,
        `${SETUP}
const words = () => host.get('top')?.plugin.word();
const loaded = words();
touch(path.join(dir('base'), 'index.mjs'), "export default { word: () => 'two' };\\n");
const cascade = await host.reload();
const afterCascade = words();
const off = await host.disable('ext');
const offNames = host.getAll().map((e) => e.manifest.name);
const on = await host.enable('ext');
const afterOn = words();
log.length = 0;
await host.close();
done({ first: first.added, log, loaded, cascade: cascade.updated, afterCascade, off: { removed: off.removed, failed: off.failed.map((f) => f.code) }, offNames, on: on.added, afterOn });`,
        { kind },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.result).toEqual({
        first: ['base', 'ext', 'top'],
        log: ['unload top', 'unload ext', 'unload base'],
        loaded: 'top+ext+one',
        cascade: ['base', 'ext', 'top'],
        afterCascade: 'top+ext+two',
        off: { removed: ['ext', 'top'], failed: ['AUG_DEPENDENCY_DISABLED'] },
        offNames: ['base'],
        on: ['ext', 'top'],
        afterOn: 'top+ext+two',
      });
    });

    it('serves an update while another plugin of the same scan still hangs at import', async () => {
      const run = await runHost(
        root,
        `
touch(path.join('plugins', 'fast', 'plugin.manifest.json'), ${JSON.stringify(manifest('fast', './index.mjs'))});
touch(path.join('plugins', 'fast', 'index.mjs'), "export default { v: 1 };\\n");
const host = new core.PluginHost({ folder: 'plugins', logger: false, loadTimeoutMs: 60000 });
await host.reload();
const flag = path.resolve('release');
touch(path.join('plugins', 'slow', 'plugin.manifest.json'), ${JSON.stringify(manifest('slow', './index.mjs'))});
touch(path.join('plugins', 'slow', 'index.mjs'), "import { existsSync } from 'node:fs';\\nawait new Promise((r) => { const t = setInterval(() => { if (existsSync(" + JSON.stringify(flag) + ")) { clearInterval(t); r(); } }, 5); });\\nexport default { v: 'slow' };\\n");
touch(path.join('plugins', 'fast', 'index.mjs'), "export default { v: 2 };\\n");
let settled = false;
const served = new Promise((resolve) => host.on('plugin:loaded', ({ entry }) => { if (entry.manifest.name === 'fast') resolve({ settled, v: host.get('fast').plugin.v, slow: host.get('slow') === undefined ? 'absent' : 'loaded' }); }));
const reload = host.reload().finally(() => { settled = true; });
const atUpdate = await served;
touch(flag, '');
const report = await reload;
await host.close();
done({ atUpdate, updated: report.updated, added: report.added });`,
        { kind },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.result).toEqual({
        atUpdate: { settled: false, v: 2, slow: 'absent' },
        updated: ['fast'],
        added: ['slow'],
      });
    });

    it('rejects a strict reload with every failure, after publishing what loaded', async () => {
      const run = await runHost(
        root,
        `
touch(path.join('plugins', 'a', 'plugin.manifest.json'), ${JSON.stringify(manifest('a', './index.mjs', { pluginDependencies: { b: '*' } }))});
touch(path.join('plugins', 'a', 'index.mjs'), "export default {};\\n");
touch(path.join('plugins', 'b', 'plugin.manifest.json'), ${JSON.stringify(manifest('b', './index.mjs', { pluginDependencies: { a: '*' } }))});
touch(path.join('plugins', 'b', 'index.mjs'), "export default {};\\n");
touch(path.join('plugins', 'ok', 'plugin.manifest.json'), ${JSON.stringify(manifest('ok', './index.mjs'))});
touch(path.join('plugins', 'ok', 'index.mjs'), "export default {};\\n");
const host = new core.PluginHost({ folder: 'plugins', logger: false, strict: true });
const outcome = await host.reload().then(() => 'resolved', (error) => ({ name: error.name, code: error.code, failures: error.failures.map((f) => f.name + ' ' + f.code), loaded: host.getAll().map((e) => e.manifest.name) }));
await host.close();
done(outcome);`,
        { kind },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.result).toEqual({
        name: 'StrictModeError',
        code: 'AUG_STRICT_FAILED',
        failures: ['a AUG_DEPENDENCY_CYCLE', 'b AUG_DEPENDENCY_CYCLE'],
        loaded: ['ok'],
      });
    });
  },
);
