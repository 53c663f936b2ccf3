// A plugin's loadTimeoutMs counts its own work, not the time it waits behind
// the plugins that load beside it. With 128 imports in flight, each import
// takes about 128 times its own cost on the wall clock (~90 ms here for a
// plugin that alone imports in under 1 ms): counted by the wall clock, most
// of these plugins timed out. 5,000 plugins at loadTimeoutMs: 1000 is the
// bench's row; this is 500 at 50 ms, five times stricter than proportional.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginHost, type PluginEntry } from '../../src/index.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';

const COUNT = 500;
const TIMEOUT_MS = 50;

/** Some top-level work of its own, as a bundled plugin has. */
function source(i: number): string {
  return (
    `const table = Array.from({ length: 200 }, (_, k) => ({ k, v: String(k * ${i}) }));\n` +
    `export default { id: ${i}, size: table.length, greet: (who) => 'p${i} greets ' + who };\n`
  );
}

describe(`${COUNT} plugins at loadTimeoutMs: ${TIMEOUT_MS}`, { timeout: 120_000 }, () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTempDir('timeout-scale');
    const files = {};
    for (let i = 0; i < COUNT; i += 1) {
      Object.assign(files, inFolder(`plugins/p${i}`, esmPlugin(`p${i}`, source(i))));
    }
    await writeFiles(root, files);
  });
  afterAll(() => removeDir(root));

  it('load with no timeout, through an async validator and onLoad, cold and after a change', async () => {
    let hooked = 0;
    const host = new PluginHost({
      folder: join(root, 'plugins'),
      cacheDir: join(root, 'cache'),
      logger: false,
      loadTimeoutMs: TIMEOUT_MS,
      validator: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: async (value: unknown) => {
            await new Promise((resolve) => setImmediate(resolve));
            return { value };
          },
        },
      },
      onLoad: async (entry: PluginEntry) => {
        await new Promise((resolve) => setImmediate(resolve));
        if (entry.manifest.name.startsWith('p')) hooked += 1;
      },
    });
    try {
      const cold = await host.reload();
      expect(cold.failed.map((f) => f.message).slice(0, 3)).toEqual([]);
      expect(cold.added).toHaveLength(COUNT);
      expect(hooked).toBe(COUNT);
      // every plugin changed: fresh imports under new URLs
      const changed = {};
      for (let i = 0; i < COUNT; i += 1) {
        Object.assign(changed, { [`plugins/p${i}/index.mjs`]: source(i + 1) });
      }
      await writeFiles(root, changed);
      const warm = await host.reload();
      expect(warm.failed.map((f) => f.message).slice(0, 3)).toEqual([]);
      expect(warm.updated).toHaveLength(COUNT);
    } finally {
      await host.close();
    }
  });
});
