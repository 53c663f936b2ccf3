// Turning plugins off and on at run time, and strict mode, through a real
// PluginHost on real plugin folders.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  StrictModeError,
  isAugmentError,
  type PluginEntry,
  type PluginHost,
} from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';
import { WAIT } from '../helpers/wait.js';
import { vi } from 'vitest';

const temp = useTempHosts('switches');

async function writeBaseAndExt(): Promise<void> {
  await writeFiles(temp.root, {
    ...inFolder('plugins/base', esmPlugin('base')),
    ...inFolder(
      'plugins/ext',
      esmPlugin('ext', undefined, { manifest: { pluginDependencies: { base: '^1.0.0' } } }),
    ),
    ...inFolder('plugins/other', esmPlugin('other')),
  });
}

function recorder(host: PluginHost): string[] {
  const events: string[] = [];
  host.on('plugin:disabled', ({ name }) => events.push(`disabled ${name}`));
  host.on('plugin:enabled', ({ name }) => events.push(`enabled ${name}`));
  host.on('plugin:unloaded', ({ entry, reason }) =>
    events.push(`unloaded ${entry.manifest.name} ${reason}`),
  );
  host.on('plugin:loaded', ({ entry }) => events.push(`loaded ${entry.manifest.name}`));
  return events;
}

describe('host.disable() and host.enable()', () => {
  it('unloads a plugin and its dependents, keeps them off across reloads, and brings them back', async () => {
    await writeBaseAndExt();
    const unloaded: string[] = [];
    const host = temp.makeHost({
      onUnload: (entry: PluginEntry) => {
        unloaded.push(entry.manifest.name);
      },
    });
    await host.reload();
    const events = recorder(host);

    const off = await host.disable('base');
    expect(off).toMatchObject({ name: 'base', changed: true, found: true });
    expect(off.removed).toEqual(['base', 'ext']);
    expect(off.disabled).toEqual(['base']);
    expect(off.failed.map((f) => [f.name, f.code])).toEqual([
      ['ext', ERROR_CODES.DEPENDENCY_DISABLED],
    ]);
    expect(unloaded).toEqual(['ext', 'base']);
    expect(events).toEqual(['disabled base', 'unloaded ext dependency', 'unloaded base disabled']);
    expect(host.disabled).toEqual(['base']);
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(['other']);

    // a reload, and a change to the disabled plugin's files, leave it off
    await writeFile(join(temp.root, 'plugins/base/index.mjs'), 'export default { v: 2 };\n');
    const again = await host.reload();
    expect(again.added).toEqual([]);
    expect(again.disabled).toEqual(['base']);

    events.length = 0;
    const on = await host.enable('base');
    expect(on).toMatchObject({ name: 'base', changed: true, found: true });
    expect(on.added).toEqual(['base', 'ext']);
    expect(on.failed).toEqual([]);
    expect(events).toEqual(['enabled base', 'loaded base', 'loaded ext']);
    expect(host.disabled).toEqual([]);
  });

  it('ends as the last of a burst of calls says, with every call resolved', async () => {
    await writeBaseAndExt();
    const host = temp.makeHost();
    await host.reload();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i += 1) {
      calls.push(i % 2 === 0 ? host.disable('base') : host.enable('base'), host.reload());
    }
    calls.push(host.disable('base'));
    await Promise.all(calls);
    expect(host.disabled).toEqual(['base']);
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(['other']);
    await host.enable('base');
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(['base', 'ext', 'other']);
  });

  it('stays off when the watcher reloads', async () => {
    await writeBaseAndExt();
    const host = temp.makeHost({ watch: true, watchDebounceMs: 20 });
    await host.reload();
    await host.disable('other');
    const reloaded = new Promise<void>((resolve) => {
      host.on('reload:done', () => {
        resolve();
      });
    });
    await writeFile(join(temp.root, 'plugins/other/index.mjs'), 'export default { v: 2 };\n');
    await reloaded;
    expect(host.get('other')).toBeUndefined();
    await vi.waitFor(() => {
      expect(host.getAll().map((e) => e.manifest.name)).toEqual(['base', 'ext']);
    }, WAIT);
  });

  it('takes the disabled set at construction and gives a copy back', async () => {
    await writeBaseAndExt();
    const host = temp.makeHost({ disabled: ['other', 'not-installed'] });
    const report = await host.reload();
    expect(report.added).toEqual(['base', 'ext']);
    expect(report.disabled).toEqual(['other']);
    const disabled = host.disabled;
    expect(disabled).toEqual(['not-installed', 'other']);
    disabled.length = 0;
    expect(host.disabled).toEqual(['not-installed', 'other']);
    expect((await host.enable('other')).added).toEqual(['other']);
  });

  it('records a name that is not loaded, and reports an unknown one as not found', async () => {
    await writeBaseAndExt();
    const host = temp.makeHost();
    await host.reload();
    const events = recorder(host);
    const unknownOff = await host.disable('later');
    expect(unknownOff).toMatchObject({ changed: true, found: false });
    expect(host.disabled).toEqual(['later']);
    expect((await host.disable('later')).changed).toBe(false);
    const unknownOn = await host.enable('nope');
    expect(unknownOn).toMatchObject({ name: 'nope', changed: false, found: false });
    expect(unknownOn.unchanged).toEqual(['base', 'ext', 'other']);
    expect(events).toEqual(['disabled later']);
    // the recorded name stays off when it appears
    await writeFiles(temp.root, inFolder('plugins/later', esmPlugin('later')));
    expect((await host.reload()).disabled).toEqual(['later']);
    expect(host.get('later')).toBeUndefined();
  });

  it('refuses a name that is not a non-empty string, and works only on an open host', async () => {
    const host = temp.makeHost();
    for (const bad of [undefined, '', 42, null, { name: 'x' }]) {
      await expect(host.disable(bad as string)).rejects.toMatchObject({
        code: ERROR_CODES.OPTIONS_INVALID,
      });
      await expect(host.enable(bad as string)).rejects.toMatchObject({
        code: ERROR_CODES.OPTIONS_INVALID,
      });
    }
    await host.close();
    await expect(host.disable('x')).rejects.toMatchObject({ code: ERROR_CODES.HOST_CLOSED });
  });

  it('refuses a disabled option that is not an array of names', () => {
    expect(() => temp.makeHost({ disabled: 'base' as unknown as string[] })).toThrow(/disabled/u);
    expect(() => temp.makeHost({ disabled: [1] as unknown as string[] })).toThrow(/disabled/u);
  });
});

describe('strict mode', () => {
  it('rejects with every failure after publishing what loaded', async () => {
    await writeFiles(temp.root, {
      ...inFolder('plugins/good', esmPlugin('good')),
      ...inFolder('plugins/bad', esmPlugin('bad', 'throw new Error("bad at import");\n')),
      ...inFolder(
        'plugins/needs',
        esmPlugin('needs', undefined, { manifest: { pluginDependencies: { gone: '*' } } }),
      ),
    });
    const host = temp.makeHost({ strict: true });
    const error: unknown = await host.reload().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StrictModeError);
    expect(isAugmentError(error) && error.code).toBe(ERROR_CODES.STRICT_FAILED);
    const strict = error as StrictModeError;
    expect(strict.failures.map((f) => f.name).sort()).toEqual(['bad', 'needs']);
    expect(strict.report.added).toEqual(['good']);
    expect(strict.message).toContain('2 plugins failed');
    expect(strict.message).toContain('bad at import');
    expect(strict.message).toContain(ERROR_CODES.DEPENDENCY_MISSING);
    expect(host.get('good')).toBeDefined();
  });

  it('lists at most 20 failures in its message, and every one in failures', async () => {
    const files = {};
    for (let i = 0; i < 25; i += 1) {
      Object.assign(
        files,
        inFolder(`plugins/bad-${String(i)}`, esmPlugin(`bad-${String(i)}`, 'throw 1;\n')),
      );
    }
    await writeFiles(temp.root, files);
    const error = (await temp
      .makeHost({ strict: true })
      .reload()
      .catch((e: unknown) => e)) as StrictModeError;
    expect(error.failures).toHaveLength(25);
    expect(error.message.split('\n').filter((line) => line.startsWith('  - bad-'))).toHaveLength(
      20,
    );
    expect(error.message).toContain('and 5 more');
  });

  it('resolves when nothing failed, and is off by default', async () => {
    await writeFiles(temp.root, inFolder('plugins/good', esmPlugin('good')));
    expect((await temp.makeHost({ strict: true }).reload()).added).toEqual(['good']);
    await writeFiles(temp.root, inFolder('plugins/bad', esmPlugin('bad', 'throw 1;\n')));
    expect((await temp.makeHost().reload()).failed).toHaveLength(1);
  });

  it('gives calls that share a scan the same promise', async () => {
    await writeFiles(temp.root, inFolder('plugins/bad', esmPlugin('bad', 'throw 1;\n')));
    const host = temp.makeHost({ strict: true });
    const first = host.reload();
    const second = host.reload();
    const third = host.reload();
    expect(second).toBe(third);
    expect(first).not.toBe(second);
    await expect(first).rejects.toBeInstanceOf(StrictModeError);
    await expect(second).rejects.toBeInstanceOf(StrictModeError);
  });

  it('rejects the first load of a watching host', async () => {
    await writeFiles(temp.root, inFolder('plugins/bad', esmPlugin('bad', 'throw 1;\n')));
    const host = temp.makeHost({ strict: true, watch: true });
    await expect(host.reload()).rejects.toMatchObject({ code: ERROR_CODES.STRICT_FAILED });
  });
});
