// Chaos test of hostile plugins (issue 11): folders of plugins that throw,
// reject, export or hang on generated hostile values, beside good plugins.
// reload() always resolves, good plugins serve, each hostile plugin is loaded
// as its own export or failed at an expected stage, and close() resolves;
// in-process and in a child process from an ES module and a CommonJS host.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginHost, type PluginFailure } from '../../src/index.js';
import { CHAOS_TIMEOUT_MS, assertChaos, mustResolve } from '../helpers/chaos.js';
import { runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir } from '../helpers/fixtures.js';
import {
  checkOutcome,
  hostileCaseArbitrary,
  label,
  writeCase,
  type HostileCase,
  writeFifoPlugins,
  type Outcome,
} from '../helpers/hostile-folder.js';
import {
  HOSTILE_HOST_HOOKS,
  HOSTILE_HOST_HOOKS_SOURCE,
  IS_GREETER_LIKE_SOURCE,
  isGreeterLike,
} from '../helpers/hostile-values.js';

const FILE = 'packages/core/test/chaos/hostile-plugins.chaos.test.ts';
/** Generous: nothing that must load is expected to come near it. */
const LOAD_TIMEOUT_MS = 5_000;
/** Only for the folders of plugins that never settle, which must time out. */
const SHORT_TIMEOUT_MS = 300;

let root: string;
beforeEach(async () => {
  root = await makeTempDir('chaos-hostile');
});
afterEach(async () => {
  await removeDir(root);
});

const outcomeOf = (host: PluginHost, failed: readonly PluginFailure[]): Outcome => ({
  loaded: new Map(host.getAll().map((e) => [e.manifest.name, e.plugin])),
  failed: failed.map(label),
});

/** Loads one half of a case (the plugins that hang, or the rest) in-process and checks every step. */
async function runInProcess(dir: string, testCase: HostileCase, slow: boolean): Promise<void> {
  const folder = join(dir, slow ? 'slow' : 'plugins');
  await mkdir(folder, { recursive: true });
  const written = await writeCase(folder, testCase, slow);
  if (written.hostile.length + written.good.length === 0) return;
  const host = new PluginHost({
    folder,
    cacheDir: join(dir, slow ? 'slow-cache' : 'cache'),
    validator: isGreeterLike,
    logger: false,
    loadTimeoutMs: slow ? SHORT_TIMEOUT_MS : LOAD_TIMEOUT_MS,
    ...HOSTILE_HOST_HOOKS,
  });
  try {
    const first = await mustResolve(host.reload(), 'reload()');
    checkOutcome(written, outcomeOf(host as PluginHost, first.failed), true);
    for (const { plugin } of written.good) {
      const entry = host.get(plugin.name);
      expect(isGreeterLike(entry?.plugin) && entry.plugin.greet('you')).toBe(
        `${plugin.name} greets you`,
      );
    }
    const served = host.getAll();
    const second = await mustResolve(host.reload(), 'second reload()');
    checkOutcome(written, outcomeOf(host as PluginHost, second.failed), true);
    expect(second.unchanged).toEqual(served.map((e) => e.manifest.name));
    expect(host.getAll().every((e, i) => e === served[i])).toBe(true);

    // remove the hostile plugins: onUnload (their dispose) may fail, never the reload
    for (const { path } of written.hostile) await rm(join(folder, path), { recursive: true });
    const third = await mustResolve(host.reload(), 'reload() after removing them');
    const loadedHostile = written.hostile.filter((w) =>
      served.some((e) => e.manifest.name === w.plugin.name),
    );
    expect(third.removed).toEqual(loadedHostile.map((w) => w.plugin.name).sort());
    expect(third.failed.map(label).sort()).toEqual(
      loadedHostile
        .filter((w) => w.plugin.unloadFails)
        .map((w) => `${w.path} unload`)
        .sort(),
    );
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(
      written.good.map((w) => w.plugin.name),
    );
  } finally {
    await mustResolve(host.close(), 'close()');
  }
}

describe('hostile plugins', () => {
  it(
    'never make reload() or close() reject, and load or fail each plugin as it deserves',
    async () => {
      let run = 0;
      await assertChaos(
        fc.asyncProperty(hostileCaseArbitrary, async (testCase) => {
          run += 1;
          const dir = join(root, `run-${run}`);
          try {
            await runInProcess(dir, testCase, false);
            await runInProcess(dir, testCase, true);
          } finally {
            await removeDir(dir);
          }
        }),
        `${FILE} -t "as it deserves"`,
        25,
      );
    },
    CHAOS_TIMEOUT_MS,
  );

  it.each<HostKind>(['esm', 'cjs'])(
    'never crash a host process (%s host)',
    async (kind) => {
      let run = 0;
      await assertChaos(
        fc.asyncProperty(hostileCaseArbitrary, async (testCase) => {
          run += 1;
          const dir = join(root, `child-${run}`);
          await mkdir(join(dir, 'plugins'), { recursive: true });
          await mkdir(join(dir, 'slow'), { recursive: true });
          try {
            const main = await writeCase(join(dir, 'plugins'), testCase, false);
            const slow = await writeCase(join(dir, 'slow'), testCase, true);
            const child = await runHost(
              dir,
              `
const load = async (folder, loadTimeoutMs) => {
  const host = new core.PluginHost({ folder, loadTimeoutMs, logger: false,
    validator: ${IS_GREETER_LIKE_SOURCE}, ...${HOSTILE_HOST_HOOKS_SOURCE} });
  const label = (f) => path.basename(f.source) + ' ' + f.stage;
  const first = await host.reload();
  const second = await host.reload();
  const loaded = host.getAll().map((e) => e.manifest.name);
  await host.close();
  return { loaded, first: first.failed.map(label), second: second.failed.map(label) };
};
const main = await load('plugins', ${LOAD_TIMEOUT_MS});
const slow = await load('slow', ${SHORT_TIMEOUT_MS});
done({ main, slow });
`,
              { kind, timeoutMs: 120_000 },
            );
            expect(child.stderr, 'no output on stderr').toBe('');
            expect(child.code, 'the host process exits 0').toBe(0);
            const result = child.result as Record<
              'main' | 'slow',
              { loaded: string[]; first: string[]; second: string[] }
            >;
            for (const [written, got] of [
              [main, result.main],
              [slow, result.slow],
            ] as const) {
              const loaded = new Map(got.loaded.map((name) => [name, true]));
              checkOutcome(written, { loaded, failed: got.first }, false);
              checkOutcome(written, { loaded, failed: got.second }, false);
            }
          } finally {
            await removeDir(dir);
          }
        }),
        `${FILE} -t "${kind} host"`,
        3,
      );
    },
    CHAOS_TIMEOUT_MS,
  );

  it.skipIf(process.platform === 'win32').each<HostKind>(['esm', 'cjs'])(
    'never block a host process on FIFOs (%s host)',
    async (kind) => {
      const folder = join(root, 'plugins');
      await mkdir(folder);
      const good = await writeCase(folder, { hostile: [], good: ['esm'] }, false);
      const fifos = await writeFifoPlugins(folder);
      const child = await runHost(
        root,
        `
const host = new core.PluginHost({ folder: 'plugins', logger: false, validator: ${IS_GREETER_LIKE_SOURCE} });
const report = await host.reload();
const second = await host.reload();
done({ loaded: host.getAll().map((e) => e.manifest.name),
  failed: [...report.failed, ...second.failed].map((f) => path.basename(f.source) + ' ' + f.stage) });
await host.close();
`,
        // a host that reads the FIFO blocks for good: killed after this
        { kind, timeoutMs: 60_000 },
      );
      expect(child.code).toBe(0);
      const result = child.result as { loaded: string[]; failed: string[] };
      const written = { good: good.good, hostile: fifos };
      const loaded = new Map(result.loaded.map((name) => [name, true]));
      expect(result.failed.length, 'the same failures at both reloads').toBe(2 * fifos.length);
      checkOutcome(written, { loaded, failed: result.failed.slice(0, fifos.length) }, false);
      checkOutcome(written, { loaded, failed: result.failed.slice(fifos.length) }, false);
    },
    CHAOS_TIMEOUT_MS,
  );
});
