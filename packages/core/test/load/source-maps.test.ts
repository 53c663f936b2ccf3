// sourceMaps: 'auto' in this process: plugin frames are mapped when a stack
// is formatted, the map is read then (not at load), and a map that cannot be
// read leaves the frames as they are.
import { execFileSync } from 'node:child_process';
import { copyFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PluginHost } from '../../src/host.js';
import { registerSourceMap } from '../../src/load/source-maps.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

interface Thrower {
  fail(): never;
}

/** Line 3 throws. */
const SOURCE = `export default {
  fail(): never {
    throw new Error('from the plugin');
  },
};
`;

let root: string;
let counter = 0;
const hosts: PluginHost<Thrower>[] = [];

beforeAll(async () => {
  root = await realpath(await makeTempDir('maps-in-process'));
  // the same code under another name, for a map that can only come from a read after load
  await writeFiles(root, { 'src/index.ts': SOURCE, 'src/other.ts': SOURCE });
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

afterAll(async () => {
  await removeDir(root);
});

/** A fresh folder with one plugin built from src/<source>.ts, with its map; returns the plugin dir. */
async function buildPlugin(format: 'esm' | 'cjs', source = 'index'): Promise<string> {
  counter += 1;
  const dir = join(root, `case-${String(counter)}`, 'mapped');
  const entry = format === 'esm' ? 'index.mjs' : 'index.cjs';
  await writeFiles(dir, {
    'plugin.manifest.json': { name: 'mapped', version: '1.0.0', entryPoint: `./${entry}` },
  });
  await build({
    entryPoints: [join(root, `src/${source}.ts`)],
    outfile: join(dir, entry),
    bundle: true,
    format,
    platform: 'node',
    sourcemap: true,
    logLevel: 'silent',
  });
  return dir;
}

async function load(dir: string): Promise<Thrower> {
  const host = new PluginHost<Thrower>({ folder: join(dir, '..'), logger: false });
  hosts.push(host);
  const report = await host.reload();
  expect(report.failed).toEqual([]);
  const plugin = host.get('mapped')?.plugin;
  if (plugin === undefined) throw new Error('the plugin did not load');
  return plugin;
}

function stackOf(plugin: Thrower): string {
  try {
    plugin.fail();
  } catch (error) {
    return String((error as Error).stack);
  }
  throw new Error('fail() did not throw');
}

const MAPPED = /src[\\/]index\.ts:3:\d+\)/u;

describe("sourceMaps: 'auto' in process", () => {
  it.each(['esm', 'cjs'] as const)(
    'maps the frames of a %s plugin, with process source maps off',
    async (format) => {
      const plugin = await load(await buildPlugin(format));
      const stack = stackOf(plugin);
      expect(stack.split('\n')[0]).toBe('Error: from the plugin');
      expect(stack).toMatch(MAPPED);
      expect(process.sourceMapsEnabled).toBe(false);
    },
  );

  it('reads the map when a stack is formatted, not at load (a map replaced after load is the one used)', async () => {
    const dir = await buildPlugin('esm');
    const other = await buildPlugin('esm', 'other');
    const plugin = await load(dir);
    await copyFile(join(other, 'index.mjs.map'), join(dir, 'index.mjs.map'));
    expect(stackOf(plugin)).toMatch(/src[\\/]other\.ts:3:\d+\)/u);
  });

  it.runIf(process.platform !== 'win32')(
    'never blocks on a map that became a FIFO after load: the frames stay as they are',
    async () => {
      const dir = await buildPlugin('cjs');
      const plugin = await load(dir);
      await rm(join(dir, 'index.cjs.map'));
      execFileSync('mkfifo', [join(dir, 'index.cjs.map')]);
      expect(stackOf(plugin)).toMatch(/index\.cjs:\d+:\d+\)/u);
    },
  );

  it('leaves the frames as they are when the map is not JSON, or not a source map', async () => {
    for (const content of ['{ not json', '"a string"', '{ "version": 3, "mappings": 7 }']) {
      const dir = await buildPlugin('cjs');
      const plugin = await load(dir);
      await writeFile(join(dir, 'index.cjs.map'), content);
      expect(stackOf(plugin)).toMatch(/index\.cjs:\d+:\d+\)/u);
    }
  });

  it('maps through the map registered last for a file, once a stack needs it', async () => {
    const dir = await buildPlugin('cjs');
    const plugin = await load(dir);
    expect(stackOf(plugin)).toMatch(MAPPED);
    // the same file registered again (a reload) with a map that is gone: the parsed one is dropped
    registerSourceMap(join(dir, 'index.cjs'), join(dir, 'missing.map'));
    expect(stackOf(plugin)).not.toMatch(MAPPED);
  });
});
