// A timeout is transient: the next reload tries the plugin again even though
// its files did not change, while a deterministic failure (a throwing module,
// a validator's rejection) stands until the files change.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type PluginEntry } from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';

const temp = useTempHosts('timeout-retry');

/** Long enough for a tiny plugin on a loaded machine, short enough to wait for once. */
const TIMEOUT_MS = 1000;

/** An ES module plugin whose import waits (polling) until `flag` exists. */
function waitingPlugin(flag: string): string {
  return (
    `import { existsSync } from 'node:fs';\n` +
    `await new Promise((resolve) => { const t = setInterval(() => { if (existsSync(${JSON.stringify(flag)})) { clearInterval(t); resolve(); } }, 5); });\n` +
    `export default { id: 'slow' };\n`
  );
}

/** A CommonJS plugin that counts its imports in `counter`, then throws. */
function throwingPlugin(counter: string): string {
  return (
    `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'x');\n` +
    `throw new Error('broken on purpose');\n`
  );
}

/** Resolves once `flag` exists (checked each time the hook is called), else never. */
function hangUntil(flag: string): Promise<void> | undefined {
  return existsSync(flag) ? undefined : new Promise<void>(() => undefined);
}

describe('a plugin that timed out', () => {
  it('is imported again at the next reload, while a throwing plugin is not', async () => {
    const flag = join(temp.root, 'release');
    const counter = join(temp.root, 'imports');
    await writeFiles(temp.root, {
      ...inFolder('plugins/slow', esmPlugin('slow', waitingPlugin(flag))),
      ...inFolder(
        'plugins/rider',
        esmPlugin('rider', undefined, { manifest: { pluginDependencies: { slow: '*' } } }),
      ),
      ...inFolder('plugins/broken', cjsPlugin('broken', throwingPlugin(counter))),
    });
    const host = temp.makeHost({ loadTimeoutMs: TIMEOUT_MS });
    const first = await host.reload();
    const codes = Object.fromEntries(first.failed.map((f) => [f.name ?? f.source, f.code]));
    expect(codes).toEqual({
      slow: ERROR_CODES.LOAD_TIMEOUT,
      rider: ERROR_CODES.DEPENDENCY_FAILED,
      broken: ERROR_CODES.LOAD_IMPORT,
    });
    await writeFile(flag, '');
    const second = await host.reload();
    expect(second.added).toEqual(['rider', 'slow']);
    expect(second.failed.map((f) => [f.name, f.code])).toEqual([
      ['broken', ERROR_CODES.LOAD_IMPORT],
    ]);
    expect(host.get('rider')?.dependencies['slow']).toBe(host.get('slow'));
    // the same files, the same failure: imported once in two reloads
    expect(readFileSync(counter, 'utf8')).toBe('x');
  });

  it('in onLoad or an async validator is retried at the next reload', async () => {
    const flag = join(temp.root, 'release');
    await writeFiles(temp.root, {
      ...inFolder('plugins/hooked', esmPlugin('hooked')),
      ...inFolder('plugins/checked', cjsPlugin('checked')),
    });
    let validated = 0;
    const host = temp.makeHost({
      loadTimeoutMs: TIMEOUT_MS,
      onLoad: (entry: PluginEntry) =>
        entry.manifest.name === 'hooked' ? hangUntil(flag) : undefined,
      validator: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (value: unknown) => {
            validated += 1;
            const answer = { value };
            const greets = (value as { greet?: unknown }).greet;
            // only the CommonJS plugin's answer hangs until the flag exists
            return String(greets).includes('checked greets')
              ? (hangUntil(flag)?.then(() => answer) ?? Promise.resolve(answer))
              : answer;
          },
        },
      },
    });
    const first = await host.reload();
    expect(first.failed.map((f) => [f.name, f.code])).toEqual([
      ['checked', ERROR_CODES.LOAD_TIMEOUT],
      ['hooked', ERROR_CODES.LOAD_TIMEOUT],
    ]);
    await writeFile(flag, '');
    const second = await host.reload();
    expect(second.added).toEqual(['checked', 'hooked']);
    expect(second.failed).toEqual([]);
    expect(validated).toBe(4);
  });

  it('while an older version serves keeps it, and the next reload serves the update', async () => {
    const flag = join(temp.root, 'release');
    await writeFiles(temp.root, inFolder('plugins/slow', esmPlugin('slow')));
    const host = temp.makeHost({ loadTimeoutMs: TIMEOUT_MS });
    expect((await host.reload()).added).toEqual(['slow']);
    const v1 = host.get('slow');
    await writeFile(join(temp.root, 'plugins/slow/index.mjs'), waitingPlugin(flag));
    const first = await host.reload();
    expect(first.kept).toEqual(['slow']);
    expect(first.failed.map((f) => f.code)).toEqual([ERROR_CODES.LOAD_TIMEOUT]);
    expect(host.get('slow')).toBe(v1);
    await writeFile(flag, '');
    const second = await host.reload();
    expect(second.updated).toEqual(['slow']);
    expect(host.get('slow')?.plugin).toEqual({ id: 'slow' });
  });
});
