// sourceMaps: 'auto' maps a plugin's stack frames through its source map when
// a stack is formatted, without turning on Node's process-wide source maps
// (which make every later import slower on Node 20 and 22).
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

/** Line 4 throws; `relay` calls back into the host (host frames around plugin frames). */
const SOURCE = (padding: string) =>
  [
    'interface Thrower { fail(): never; relay(fn: () => unknown): unknown }',
    `const plugin: Thrower = {${padding}`,
    '  fail() {',
    "    throw new Error('from the plugin');",
    '  },',
    '  relay(fn) {',
    '    return fn();',
    '  },',
    '};',
    'export default plugin;',
    '',
  ].join('\n');

type Variant = 'esm' | 'cjs' | 'esm-minified';
const VARIANTS: Variant[] = ['esm', 'cjs', 'esm-minified'];

let root: string;

/** Builds src/<version>.ts into `<folder>/mapped` (dist/index.mjs or .cjs, with its map). */
async function buildPlugin(folder: string, variant: Variant, version: 'v1' | 'v2') {
  const ext = variant === 'cjs' ? 'cjs' : 'mjs';
  await writeFiles(join(root, folder), {
    'mapped/plugin.manifest.json': {
      name: 'mapped',
      version: '1.0.0',
      entryPoint: `./dist/index.${ext}`,
    },
  });
  await build({
    entryPoints: [join(root, `src/${version}.ts`)],
    outfile: join(root, folder, `mapped/dist/index.${ext}`),
    bundle: true,
    format: variant === 'cjs' ? 'cjs' : 'esm',
    minify: variant === 'esm-minified',
    platform: 'node',
    sourcemap: true,
    logLevel: 'silent',
  });
}

beforeAll(async () => {
  root = await makeTempDir('lazy-maps');
  // v2 throws two lines further down
  await writeFiles(root, { 'src/v1.ts': SOURCE(''), 'src/v2.ts': SOURCE('\n\n') });
  for (const variant of VARIANTS) {
    await buildPlugin(variant, variant, 'v1');
    await buildPlugin(`${variant}-v2`, variant, 'v2');
  }
  for (const copy of ['broken', 'reload-esm']) {
    await cp(join(root, 'esm'), join(root, copy), { recursive: true });
  }
  await cp(join(root, 'cjs'), join(root, 'reload-cjs'), { recursive: true });
  await writeFile(join(root, 'broken/mapped/dist/index.mjs.map'), '{ not a source map');
}, 60_000);

afterAll(async () => {
  await removeDir(root);
});

/** Host script: loads `folder`, reports `process.sourceMapsEnabled` and the stacks it sees. */
const SCRIPT = (folder: string, options = '', prelude = '') => `
${prelude}
const util = await import('node:util');
const host = new core.PluginHost({ folder: ${JSON.stringify(join(root, folder))}, logger: false${options} });
await host.reload();
const plugin = () => host.get('mapped').plugin;
const stackOf = (fn) => { try { fn(); } catch (error) { return error.stack; } };
const pluginError = (() => { try { plugin().fail(); } catch (error) { return error; } })();
done({
  enabled: process.sourceMapsEnabled,
  stack: pluginError.stack,
  inspected: util.inspect(pluginError),
  relayed: stackOf(() => plugin().relay(() => { throw new Error('from the host'); })),
  nodeError: stackOf(() => fs.readFileSync({})),
});`;

interface Stacks {
  enabled: boolean;
  stack: string;
  inspected: string;
  relayed: string;
  nodeError: string;
}

const PLUGIN_FRAME = /\(.*src[\\/]v1\.ts:4:\d+\)$/u;

async function run(kind: HostKind, body: string, nodeArgs: string[] = []): Promise<Stacks> {
  const child = await runHost(root, `${body}\nawait host.close();`, { kind, nodeArgs });
  expect(child.code, child.stderr).toBe(0);
  return child.result as Stacks;
}

describe("sourceMaps: 'auto' maps plugin frames lazily", () => {
  for (const kind of ['esm', 'cjs'] as const) {
    it.each(VARIANTS)(
      `maps the frames of a %s plugin in an ${kind} host, with process source maps off`,
      async (variant) => {
        const { enabled, stack, inspected } = await run(kind, SCRIPT(variant));
        expect(enabled).toBe(false);
        const frames = stack.split('\n');
        expect(frames[0]).toBe('Error: from the plugin');
        expect(frames[1]).toMatch(PLUGIN_FRAME);
        expect(stack).not.toMatch(/dist[\\/]index\.[cm]js/u);
        // console.error and util.inspect show the same mapped frame
        expect(inspected).toMatch(/src[\\/]v1\.ts:4:\d+/u);
      },
    );
  }

  it('leaves host frames and Node error headers exactly as Node prints them', async () => {
    const off = await run('esm', SCRIPT('esm', ', sourceMaps: false'));
    const auto = await run('esm', SCRIPT('esm'));
    expect(auto.enabled).toBe(false);
    expect(auto.nodeError).toBe(off.nodeError);
    expect(auto.nodeError).toContain('TypeError [ERR_INVALID_ARG_TYPE]');
    const offFrames = off.relayed.split('\n');
    const autoFrames = auto.relayed.split('\n');
    expect(autoFrames).toHaveLength(offFrames.length);
    offFrames.forEach((frame, index) => {
      if (/dist[\\/]index\.mjs/u.test(frame))
        expect(autoFrames[index]).toMatch(/src[\\/]v1\.ts:7:\d+\)$/u);
      else expect(autoFrames[index]).toBe(frame);
    });
  });

  it('an uncaught error thrown by a plugin prints the original file and line', async () => {
    const child = await runHost(
      root,
      `const host = new core.PluginHost({ folder: ${JSON.stringify(join(root, 'cjs'))}, logger: false });
await host.reload();
setImmediate(() => {
  process.stderr.write('enabled: ' + process.sourceMapsEnabled + '\\n');
  host.get('mapped').plugin.fail();
});`,
    );
    expect(child.code).toBe(1);
    expect(child.stderr).toContain('enabled: false');
    expect(child.stderr).toMatch(/Error: from the plugin\n\s+at .*src[\\/]v1\.ts:4:\d+\)/u);
  });

  it.each(['esm', 'cjs'] as const)(
    'chains to an Error.prepareStackTrace the host set before (%s plugin)',
    async (variant) => {
      const prelude = `Error.prepareStackTrace = (error, trace) => 'custom ' + trace.map((site) => path.basename(site.getFileName() ?? '?') + ':' + site.getLineNumber()).join(' ');`;
      const { stack, nodeError } = await run('esm', SCRIPT(variant, '', prelude));
      expect(stack).toMatch(/^custom v1\.ts:4 /u);
      expect(nodeError).toMatch(/^custom /u);
    },
  );

  it.each(['esm', 'cjs'] as const)(
    'maps a reloaded %s plugin through the new version map',
    async (variant) => {
      const body = `${SCRIPT(`reload-${variant}`).replace('done(', 'const first = (')}
fs.cpSync(${JSON.stringify(join(root, `${variant}-v2`, 'mapped'))}, ${JSON.stringify(join(root, `reload-${variant}`, 'mapped'))}, { recursive: true });
await host.reload();
done({ ...first, second: stackOf(() => plugin().fail()) });
await host.close();`;
      const child = await runHost(root, body);
      expect(child.code, child.stderr).toBe(0);
      const { enabled, stack, second } = child.result as Stacks & { second: string };
      expect(enabled).toBe(false);
      expect(stack.split('\n')[1]).toMatch(PLUGIN_FRAME);
      expect(second.split('\n')[1]).toMatch(/\(.*src[\\/]v2\.ts:6:\d+\)$/u);
    },
  );

  it('leaves the frames of a plugin whose map is broken as they are', async () => {
    const { enabled, stack } = await run('esm', SCRIPT('broken'));
    expect(enabled).toBe(false);
    expect(stack.split('\n')[1]).toMatch(/dist[\\/]index\.mjs:\d+:\d+\)$/u);
  });

  it('leaves the frames Node maps itself when process source maps are on (no double mapping)', async () => {
    const args = ['--enable-source-maps'];
    const auto = await run('cjs', SCRIPT('esm'), args);
    const off = await run('cjs', SCRIPT('esm', ', sourceMaps: false'), args);
    expect(auto.enabled).toBe(true);
    expect(auto.stack).toBe(off.stack);
    expect(auto.stack.split('\n')[1]).toMatch(PLUGIN_FRAME);
  });
});
