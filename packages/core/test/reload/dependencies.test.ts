// Plugins that depend on plugins, through a real PluginHost on real plugin
// folders: load order, what each entry was resolved against, every kind of
// dependency failure, the reload cascade, and unload order.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  type PluginEntry,
  type PluginFailure,
  type PluginHost,
} from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';

const temp = useTempHosts('dependencies');

interface Plug {
  readonly deps?: Record<string, string>;
  readonly optional?: Record<string, string>;
  readonly version?: string;
  readonly source?: string;
  readonly cjs?: boolean;
}

/** Writes plugins into `plugins/<name>`: each exports `{ id }` unless given a source. */
async function writePlugins(plugins: Record<string, Plug>): Promise<void> {
  const files = {};
  for (const [name, plug] of Object.entries(plugins)) {
    const manifest = {
      ...(plug.deps === undefined ? {} : { pluginDependencies: plug.deps }),
      ...(plug.optional === undefined ? {} : { optionalPluginDependencies: plug.optional }),
    };
    const options = { version: plug.version ?? '1.0.0', manifest };
    const made = plug.cjs
      ? cjsPlugin(name, plug.source ?? `module.exports = { id: '${name}' };\n`, options)
      : esmPlugin(name, plug.source ?? `export default { id: '${name}' };\n`, options);
    Object.assign(files, inFolder(`plugins/${name}`, made));
  }
  await writeFiles(temp.root, files);
}

/** Every publication must leave the registry consistent: each dependency held is the one published. */
function expectConsistent(host: PluginHost): void {
  for (const entry of host.getAll()) {
    for (const [name, held] of Object.entries(entry.dependencies)) {
      expect(host.get(name), `${entry.manifest.name} holds ${name}`).toBe(held);
    }
  }
}

function byName(failures: readonly PluginFailure[]): Record<string, PluginFailure> {
  return Object.fromEntries(failures.map((f) => [f.name ?? f.source, f]));
}

describe('plugin dependencies', () => {
  it('loads a dependency first, publishes it, and hands its entry to the dependent', async () => {
    await writePlugins({ zeta: {}, alpha: { deps: { zeta: '^1.0.0' } } });
    const log: string[] = [];
    const host: PluginHost = temp.makeHost({
      onLoad: (entry: PluginEntry) => {
        const deps = Object.keys(entry.dependencies).join(',');
        const published = Object.keys(entry.dependencies).every(
          (d) => host.get(d) === entry.dependencies[d],
        );
        log.push(`${entry.manifest.name}(${deps}) published=${String(published)}`);
      },
    });
    host.on('plugin:loaded', () => {
      expectConsistent(host);
    });
    const report = await host.reload();
    expect(report.added).toEqual(['alpha', 'zeta']);
    expect(log).toEqual(['zeta() published=true', 'alpha(zeta) published=true']);
    const alpha = host.get('alpha');
    expect(alpha?.dependencies['zeta']).toBe(host.get('zeta'));
    expect(Object.getPrototypeOf(alpha?.dependencies)).toBeNull();
    expect(Object.isFrozen(alpha?.dependencies)).toBe(true);
    expect(host.get('zeta')?.dependencies).toEqual({});
  });

  it('names the whole chain when a required plugin is missing, and links each failure to the next', async () => {
    await writePlugins({ b: { deps: { a: '^1.0.0' } }, c: { deps: { b: '*' } } });
    const report = await temp.makeHost().reload();
    expect(report.added).toEqual([]);
    const failed = byName(report.failed);
    expect(failed['b']?.code).toBe(ERROR_CODES.DEPENDENCY_MISSING);
    expect(failed['b']?.stage).toBe('dependency');
    expect(failed['b']?.message).toContain('"b" needs "a"');
    expect(failed['b']?.message).toContain('"a" is not in the plugin folder');
    expect(failed['c']?.code).toBe(ERROR_CODES.DEPENDENCY_FAILED);
    expect(failed['c']?.message).toContain('"c" needs "b", which needs "a"');
    expect(failed['c']?.cause.cause).toBe(failed['b']?.cause);
  });

  it('names both versions when a dependency is outside the range', async () => {
    await writePlugins({ base: { version: '2.1.0' }, ext: { deps: { base: '^1.2.0' } } });
    const report = await temp.makeHost().reload();
    expect(report.added).toEqual(['base']);
    const failure = byName(report.failed)['ext'];
    expect(failure?.code).toBe(ERROR_CODES.DEPENDENCY_VERSION);
    expect(failure?.message).toMatch(/needs "base" \^1\.2\.0 .* but "base" is 2\.1\.0/u);
  });

  it('fails a dependent of a plugin that failed, with that failure as its cause', async () => {
    await writePlugins({
      base: { source: 'throw new Error("base is broken");\n' },
      ext: { deps: { base: '*' } },
    });
    const report = await temp.makeHost().reload();
    const failed = byName(report.failed);
    expect(failed['base']?.code).toBe(ERROR_CODES.LOAD_IMPORT);
    expect(failed['ext']?.code).toBe(ERROR_CODES.DEPENDENCY_FAILED);
    expect(failed['ext']?.message).toContain(`"base" failed (${ERROR_CODES.LOAD_IMPORT})`);
    expect(failed['ext']?.cause.cause).toBe(failed['base']?.cause);
  });

  it('links a dependency that failed before loading (engines.host) as the cause', async () => {
    await writePlugins({ base: {}, ext: { deps: { base: '*' } } });
    await writeFiles(temp.root, {
      'plugins/base/plugin.manifest.json': {
        name: 'base',
        version: '1.0.0',
        entryPoint: './index.mjs',
        engines: { host: '^9.0.0' },
      },
    });
    const report = await temp.makeHost({ hostVersion: '1.0.0' }).reload();
    const failed = byName(report.failed);
    expect(failed['base']?.code).toBe(ERROR_CODES.ENGINES_MISMATCH);
    expect(failed['ext']?.code).toBe(ERROR_CODES.DEPENDENCY_FAILED);
    expect(failed['ext']?.message).toContain(ERROR_CODES.ENGINES_MISMATCH);
    expect(failed['ext']?.cause.cause).toBe(failed['base']?.cause);
  });

  it('loads none of a cycle, names every member, and fails what depends on it', async () => {
    await writePlugins({
      a: { deps: { b: '*' } },
      b: { deps: { c: '*' } },
      c: { optional: { a: '*' } },
      d: { deps: { a: '*' } },
      free: {},
    });
    const report = await temp.makeHost().reload();
    expect(report.added).toEqual(['free']);
    const failed = byName(report.failed);
    for (const name of ['a', 'b', 'c']) {
      expect(failed[name]?.code).toBe(ERROR_CODES.DEPENDENCY_CYCLE);
      expect(failed[name]?.message).toContain('"a", "b" and "c" depend on each other');
      expect(failed[name]?.message).toContain('a -> b -> c -> a');
    }
    expect(failed['d']?.code).toBe(ERROR_CODES.DEPENDENCY_FAILED);
  });

  it('leaves out an optional dependency that is missing, failed or outside its range', async () => {
    await writePlugins({
      broken: { source: 'throw new Error("no");\n' },
      old: { version: '1.0.0' },
      here: {},
      ext: { optional: { absent: '*', broken: '*', old: '^2.0.0', here: '*' } },
    });
    const host = temp.makeHost();
    const report = await host.reload();
    expect(report.added).toEqual(['ext', 'here', 'old']);
    expect(Object.keys(host.get('ext')?.dependencies ?? {})).toEqual(['here']);
  });

  it('reloads the dependents of an updated plugin against it, publishes them in one swap, and unloads dependents first', async () => {
    await writePlugins({
      base: {},
      ext: { deps: { base: '*' } },
      top: { deps: { ext: '*' }, cjs: true },
    });
    const unloads: string[] = [];
    const host = temp.makeHost({
      onUnload: (entry: PluginEntry) => {
        unloads.push(entry.manifest.name);
      },
    });
    host.on('plugin:loaded', () => {
      expectConsistent(host);
    });
    await host.reload();
    const before = host.getAll();
    await writeFile(
      join(temp.root, 'plugins/base/index.mjs'),
      'export default { id: "base v2" };\n',
    );
    const report = await host.reload();
    expect(report.updated).toEqual(['base', 'ext', 'top']);
    expect((host.get('base')?.plugin as { id: string }).id).toBe('base v2');
    expect(host.get('ext')?.dependencies['base']).toBe(host.get('base'));
    expect(host.get('top')?.dependencies['ext']).toBe(host.get('ext'));
    expect(host.getAll().every((e) => !before.includes(e))).toBe(true);
    expect(unloads).toEqual(['top', 'ext', 'base']);
    expect((await host.reload()).unchanged).toEqual(['base', 'ext', 'top']);
  });

  it('keeps a failed update of a dependency, and its dependents, untouched', async () => {
    await writePlugins({ base: {}, ext: { deps: { base: '*' } } });
    const host = temp.makeHost();
    await host.reload();
    const ext = host.get('ext');
    await writeFile(join(temp.root, 'plugins/base/index.mjs'), 'export default {;\n');
    const report = await host.reload();
    expect(report.kept).toEqual(['base']);
    expect(report.unchanged).toEqual(['ext']);
    expect(host.get('ext')).toBe(ext);
    expect(ext?.dependencies['base']).toBe(host.get('base'));
  });

  it('unloads the dependents of a removed plugin, and brings them back when it returns', async () => {
    await writePlugins({
      base: {},
      ext: { deps: { base: '*' } },
      opt: { optional: { base: '*' } },
    });
    const host = temp.makeHost();
    const reasons: string[] = [];
    host.on('plugin:unloaded', ({ entry, reason }) =>
      reasons.push(`${entry.manifest.name}:${reason}`),
    );
    await host.reload();
    await rm(join(temp.root, 'plugins/base'), { recursive: true });
    const gone = await host.reload();
    expect(gone.removed).toEqual(['base', 'ext']);
    expect(gone.updated).toEqual(['opt']);
    expect(Object.keys(host.get('opt')?.dependencies ?? {})).toEqual([]);
    expect(byName(gone.failed)['ext']?.code).toBe(ERROR_CODES.DEPENDENCY_MISSING);
    expect(reasons.sort()).toEqual(['base:removed', 'ext:dependency', 'opt:replaced']);
    await writePlugins({ base: {} });
    const back = await host.reload();
    expect(back.added).toEqual(['base', 'ext']);
    expect(back.updated).toEqual(['opt']);
    expect(back.failed).toEqual([]);
    expectConsistent(host);
  });

  it('unloads dependents before their dependencies on close()', async () => {
    await writePlugins({
      a: {},
      b: { deps: { a: '*' } },
      c: { deps: { b: '*' }, cjs: true },
      d: { deps: { a: '*' } },
    });
    const unloads: string[] = [];
    const host = temp.makeHost({
      onUnload: (entry: PluginEntry) => {
        unloads.push(entry.manifest.name);
      },
    });
    await host.reload();
    await host.close();
    expect(unloads.indexOf('c')).toBeLessThan(unloads.indexOf('b'));
    expect(unloads.indexOf('b')).toBeLessThan(unloads.indexOf('a'));
    expect(unloads.indexOf('d')).toBeLessThan(unloads.indexOf('a'));
  });
});
