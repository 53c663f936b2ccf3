// One plugin that hangs at import never holds the others back: each plugin
// is published as soon as it is ready, while the scan waits for the slow
// one (and what depends on it).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type PluginHost, type ReloadReport } from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';

const temp = useTempHosts('slow-plugin');

/** An ES module plugin whose import waits (polling) until `flag` exists, or forever. */
function waitingPlugin(flag: string | undefined): string {
  const wait =
    flag === undefined
      ? 'await new Promise(() => {});'
      : `await new Promise((resolve) => { const t = setInterval(() => { if (existsSync(${JSON.stringify(flag)})) { clearInterval(t); resolve(); } }, 5); });`;
  return `import { existsSync } from 'node:fs';\n${wait}\nexport default { id: 'slow' };\n`;
}

/** A host serving fast v1 and steady; then slow and rider appear and fast changes. */
async function setUp(flag: string | undefined, loadTimeoutMs: number): Promise<PluginHost> {
  await writeFiles(temp.root, {
    ...inFolder('plugins/fast', esmPlugin('fast', `export default { id: 'fast v1' };\n`)),
    ...inFolder('plugins/steady', cjsPlugin('steady')),
  });
  const host = temp.makeHost({ loadTimeoutMs });
  await host.reload();
  await writeFiles(temp.root, {
    ...inFolder('plugins/slow', esmPlugin('slow', waitingPlugin(flag))),
    ...inFolder(
      'plugins/rider',
      esmPlugin('rider', undefined, { manifest: { pluginDependencies: { slow: '*' } } }),
    ),
  });
  await writeFile(join(temp.root, 'plugins/fast/index.mjs'), `export default { id: 'fast v2' };\n`);
  return host;
}

describe('a slow plugin', () => {
  it('does not delay the update of another plugin in the same scan', async () => {
    const flag = join(temp.root, 'release-slow');
    const fresh = await setUp(flag, 120_000);
    let settled = false;
    const served = new Promise<boolean>((resolve) => {
      fresh.on('plugin:loaded', ({ entry }) => {
        if (entry.manifest.name === 'fast') resolve(settled);
      });
    });
    const reload = fresh.reload().finally(() => {
      settled = true;
    });
    expect(await served).toBe(false);
    expect((fresh.get('fast')?.plugin as { id: string }).id).toBe('fast v2');
    expect(fresh.get('steady')).toBeDefined();
    expect(fresh.get('slow')).toBeUndefined();
    expect(fresh.get('rider')).toBeUndefined();
    expect(existsSync(flag)).toBe(false);
    await writeFile(flag, '');
    const report: ReloadReport = await reload;
    expect(report.updated).toEqual(['fast']);
    expect(report.added).toEqual(['rider', 'slow']);
    expect(report.unchanged).toEqual(['steady']);
    expect(report.failed).toEqual([]);
    expect(fresh.get('rider')?.dependencies['slow']).toBe(fresh.get('slow'));
  });

  it('serves an update at once while a hanging plugin runs into its timeout, and reports both', async () => {
    const host = await setUp(undefined, 1500);
    const order: string[] = [];
    host.on('plugin:loaded', ({ entry }) => order.push(`loaded ${entry.manifest.name}`));
    host.on('plugin:failed', ({ failure }) =>
      order.push(`failed ${failure.name ?? ''} ${failure.code}`),
    );
    const report = await host.reload();
    expect(report.updated).toEqual(['fast']);
    expect(order).toEqual([
      'loaded fast',
      `failed slow ${ERROR_CODES.LOAD_TIMEOUT}`,
      `failed rider ${ERROR_CODES.DEPENDENCY_FAILED}`,
    ]);
    const rider = report.failed.find((f) => f.name === 'rider');
    expect(rider?.cause.cause).toBe(report.failed.find((f) => f.name === 'slow')?.cause);
  });
});
