import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHost } from '../helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

let root: string;

beforeAll(async () => {
  root = await makeTempDir('maps');
  // a plugin built from TypeScript with a source map beside its entry
  await writeFiles(root, {
    'src/index.ts': [
      'interface Thrower { fail(): never }',
      'const plugin: Thrower = {',
      '  fail() {',
      "    throw new Error('from the plugin');",
      '  },',
      '};',
      'export default plugin;',
      '',
    ].join('\n'),
    'mapped/plugin.manifest.json': {
      name: 'mapped',
      version: '1.0.0',
      entryPoint: './dist/index.mjs',
    },
  });
  await build({
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(root, 'mapped/dist/index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap: true,
    logLevel: 'silent',
  });
  await writeFiles(root, inFolder('plain', esmPlugin('plain')));
});

afterAll(async () => {
  await removeDir(root);
});

const script = (folder: string, option: string): string => `
const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, logger: false${option} });
await host.reload();
let stack = '';
try { host.get('mapped')?.plugin.fail(); } catch (error) { stack = error.stack; }
done({ enabled: process.sourceMapsEnabled, stack });
await host.close();`;

describe('the sourceMaps option', () => {
  it("'auto' maps the stacks of a plugin that ships a map (.ts file and line), process source maps off", async () => {
    const run = await runHost(root, script('.', ''));
    expect(run.code, run.stderr).toBe(0);
    const { enabled, stack } = run.result as { enabled: boolean; stack: string };
    expect(enabled).toBe(false);
    expect(stack).toMatch(/src[\\/]index\.ts:4:\d+/);
  });

  it("'auto' leaves them off when no plugin has a map", async () => {
    const run = await runHost(join(root, 'plain'), script('..', ", ignore: ['mapped']"));
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ enabled: false });
  });

  it('false never turns them on; true always does', async () => {
    const off = await runHost(root, script('.', ', sourceMaps: false'));
    expect(off.code, off.stderr).toBe(0);
    const offResult = off.result as { enabled: boolean; stack: string };
    expect(offResult.enabled).toBe(false);
    expect(offResult.stack).toMatch(/index\.mjs/);
    const on = await runHost(root, script('.', ", sourceMaps: true, ignore: ['mapped']"));
    expect(on.result).toMatchObject({ enabled: true });
  });
});
