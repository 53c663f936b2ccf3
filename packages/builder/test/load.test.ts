import { copyFile, cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import {
  CJS_DEP,
  PEER_DEP,
  createProject,
  makeTempDir,
  removeDir,
  runHost,
  writeFiles,
} from './helpers/project.js';

/** Line 11 throws: the source-map test looks for `src/index.ts:11`. */
const pluginSource = (format: string) => `import { joinName } from 'cjs-dep';
import { PEER_MARKER } from 'host-api';

export default {
  format: '${format}',
  greet(who: string): string {
    return joinName('hello', who);
  },
  peer: (): string => PEER_MARKER,
  fail(): never {
    throw new Error('plugin failure');
  },
};
`;

let root: string;

/** Builds `name` in `format` into <root>/projects/<name> (dist/ and release.zip). */
async function buildPlugin(name: string, format: 'esm' | 'cjs'): Promise<string> {
  const dir = join(root, 'projects', name);
  await createProject(dir, {
    name,
    index: pluginSource(format),
    packageJson: {
      dependencies: { 'cjs-dep': '1.0.0' },
      peerDependencies: { 'host-api': '^1.0.0' },
    },
    files: { ...CJS_DEP, ...PEER_DEP },
  });
  await build({ dir, format, zip: true });
  return dir;
}

beforeAll(async () => {
  root = await makeTempDir('load');
  // The host provides the peer package; plugins resolve it from their folder upwards.
  await writeFiles(root, {
    'node_modules/host-api/package.json': { name: 'host-api', version: '1.0.0', main: 'index.js' },
    'node_modules/host-api/index.js': "exports.PEER_MARKER = 'from the host';\n",
  });
  const esm = await buildPlugin('esm-plugin', 'esm');
  const cjs = await buildPlugin('cjs-plugin', 'cjs');
  // plugins/: both dist/ folders; zips/: both release.zip files
  for (const [name, project] of [
    ['esm-plugin', esm],
    ['cjs-plugin', cjs],
  ] as const) {
    await cp(join(project, 'dist'), join(root, 'plugins', name), { recursive: true });
    await mkdir(join(root, 'zips'), { recursive: true });
    await copyFile(join(project, 'release.zip'), join(root, 'zips', `${name}.zip`));
  }
  // An ESM build under a "commonjs" scope, a CJS build under a "module" scope.
  await writeFiles(root, {
    'scope-commonjs/package.json': { type: 'commonjs' },
    'scope-module/package.json': { type: 'module' },
  });
  await cp(join(esm, 'dist'), join(root, 'scope-commonjs/plugins/esm-plugin'), { recursive: true });
  await cp(join(cjs, 'dist'), join(root, 'scope-module/plugins/cjs-plugin'), { recursive: true });
}, 60_000);

afterAll(async () => {
  await removeDir(root);
});

/** Host script: loads `folder` and reports each plugin, sorted by name. */
const LOAD_AND_CALL = (folder: string, extra = '') => `
const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, logger: false, cacheDir: path.join(process.cwd(), 'cache')${extra} });
const report = await host.reload();
const plugins = host.getAll().map((e) => ({
  name: e.manifest.name,
  origin: e.origin,
  format: e.format,
  built: e.plugin.format,
  greeting: e.plugin.greet('world'),
  peer: e.plugin.peer(),
}));
plugins.sort((a, b) => a.name.localeCompare(b.name));
await host.close();
done({ plugins, failed: report.failed.map((f) => f.code + ' ' + f.message) });
`;

const expected = (origin: string) => [
  {
    name: 'cjs-plugin',
    origin,
    format: 'cjs',
    built: 'cjs',
    greeting: 'hello/world',
    peer: 'from the host',
  },
  {
    name: 'esm-plugin',
    origin,
    format: 'esm',
    built: 'esm',
    greeting: 'hello/world',
    peer: 'from the host',
  },
];

describe('built plugins load in a real PluginHost', () => {
  it.each(['esm', 'cjs'] as const)('loads both dist/ folders from a %s host', async (kind) => {
    const child = await runHost(root, LOAD_AND_CALL(join(root, 'plugins')), { kind });
    expect(child.stderr).toBe('');
    expect(child.result).toEqual({ plugins: expected('directory'), failed: [] });
  });

  it.each(['esm', 'cjs'] as const)('loads both release.zip files from a %s host', async (kind) => {
    const child = await runHost(root, LOAD_AND_CALL(join(root, 'zips')), { kind });
    expect(child.stderr).toBe('');
    expect(child.result).toEqual({ plugins: expected('archive'), failed: [] });
  });

  it('loads an ESM build under a "commonjs" scope and a CJS build under a "module" scope', async () => {
    const esm = await runHost(root, LOAD_AND_CALL(join(root, 'scope-commonjs/plugins')));
    expect(esm.stderr).toBe('');
    expect(esm.result).toEqual({ plugins: [expected('directory')[1]], failed: [] });
    const cjs = await runHost(root, LOAD_AND_CALL(join(root, 'scope-module/plugins')));
    expect(cjs.stderr).toBe('');
    expect(cjs.result).toEqual({ plugins: [expected('directory')[0]], failed: [] });
  });

  it('names src/index.ts and the throwing line in stack traces (sourceMaps: true)', async () => {
    const script = (folder: string) => `
const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, logger: false, sourceMaps: true, cacheDir: path.join(process.cwd(), 'cache') });
await host.reload();
const stacks = {};
for (const entry of host.getAll()) {
  try { entry.plugin.fail(); } catch (error) { stacks[entry.manifest.name] = error.stack.split('\\n')[1]; }
}
await host.close();
done(stacks);
`;
    for (const folder of ['plugins', 'zips']) {
      const child = await runHost(root, script(join(root, folder)));
      expect(child.stderr).toBe('');
      const stacks = child.result as Record<string, string>;
      expect(Object.keys(stacks).sort()).toEqual(['cjs-plugin', 'esm-plugin']);
      for (const frame of Object.values(stacks)) expect(frame).toMatch(/src\/index\.ts:11:\d+\)$/u);
    }
  });
});
