// A scan frees the CommonJS modules of every version it retired in one pass
// over require.cache, however many publications retired them: one pass per
// publication made reloading thousands of changed CommonJS plugins quadratic.
import { appendFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { releaseModules } from '../../src/load/loader.js';
import { writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';

vi.mock('../../src/load/loader.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/load/loader.js')>();
  return { ...original, releaseModules: vi.fn(original.releaseModules) };
});

const temp = useTempHosts('release-once');
const requireCache = createRequire(import.meta.url).cache;

it('frees the modules of 20 replaced, then 20 removed, CommonJS plugins in one pass each scan', async () => {
  const files = {};
  for (let i = 0; i < 20; i += 1) {
    Object.assign(files, inFolder(`plugins/p${String(i)}`, cjsPlugin(`p${String(i)}`)));
  }
  await writeFiles(temp.root, files);
  const host = temp.makeHost();
  await host.reload();
  const released = vi.mocked(releaseModules);

  for (let i = 0; i < 20; i += 1) {
    await appendFile(join(temp.root, `plugins/p${String(i)}/index.cjs`), '\n// v2\n');
  }
  released.mockClear();
  expect((await host.reload()).updated).toHaveLength(20);
  expect(released).toHaveBeenCalledTimes(1);

  const files0 = Object.keys(requireCache).filter((f) => f.includes(join('plugins', 'p0')));
  expect(files0.length).toBeGreaterThan(0);
  for (let i = 0; i < 20; i += 1)
    await rm(join(temp.root, `plugins/p${String(i)}`), { recursive: true });
  released.mockClear();
  expect((await host.reload()).removed).toHaveLength(20);
  expect(released).toHaveBeenCalledTimes(1);
  expect([...(released.mock.calls[0]?.[0] ?? [])]).toHaveLength(20);
  expect(Object.keys(requireCache).filter((f) => f.includes(join('plugins', 'p0')))).toEqual([]);
});
