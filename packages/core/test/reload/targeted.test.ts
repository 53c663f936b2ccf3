// host.reloadPlugin(name): the targeted reload behind `augment dev`, through a
// real PluginHost on real plugin folders.
import { mkdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StrictModeError, type PluginHost } from '../../src/index.js';
import { writeFiles } from '../helpers/fixtures.js';
import { esmPlugin, inFolder, type PluginFiles } from '../helpers/plugins.js';
import { useTempHosts } from '../helpers/temp-hosts.js';

const temp = useTempHosts('targeted');

/** An ES module plugin whose default export says `says`. */
function saying(name: string, says: string, manifest: Record<string, unknown> = {}): PluginFiles {
  return inFolder(
    `plugins/${name}`,
    esmPlugin(name, `export default { says: ${JSON.stringify(says)} };\n`, { manifest }),
  );
}

function says(host: PluginHost, name: string): unknown {
  return (host.get(name)?.plugin as { says?: unknown } | undefined)?.says;
}

async function startWith(files: PluginFiles): Promise<PluginHost> {
  await writeFiles(temp.root, files);
  const host = temp.makeHost();
  await host.reload();
  return host;
}

describe('host.reloadPlugin()', () => {
  it('reloads the plugin named and the plugins loaded against it, and nothing else', async () => {
    const requiresBase = { pluginDependencies: { base: '^1.0.0' } };
    const host = await startWith({
      ...saying('base', 'base 1'),
      ...saying('ext', 'ext 1', requiresBase),
      ...saying('other', 'other 1'),
    });
    const before = { ext: host.get('ext'), other: host.get('other') };
    const reasons: string[] = [];
    host.on('reload:start', ({ reason }) => reasons.push(reason));
    await writeFiles(temp.root, {
      ...saying('base', 'base 2 (longer)'),
      ...saying('ext', 'ext 2 (longer)', requiresBase),
      ...saying('other', 'other 2 (longer)'),
    });

    const report = await host.reloadPlugin('base');
    expect(report.updated).toEqual(['base', 'ext']);
    expect(report.unchanged).toEqual(['other']);
    expect(reasons).toEqual(['manual']);
    expect(says(host, 'base')).toBe('base 2 (longer)');
    // ext follows base, loaded against the new version, from its files as they are
    expect(host.get('ext')).not.toBe(before.ext);
    expect(host.get('ext')?.dependencies['base']).toBe(host.get('base'));
    // other changed on disk but was not looked at
    expect(host.get('other')).toBe(before.other);
    expect(says(host, 'other')).toBe('other 1');

    const full = await host.reload();
    expect(full.updated).toEqual(['ext', 'other']);
    expect(says(host, 'other')).toBe('other 2 (longer)');
  });

  it('scans the whole folder for a name it has not seen, and for a plugin that moved', async () => {
    const host = await startWith({ ...saying('alpha', 'alpha 1'), ...saying('beta', 'beta 1') });
    await writeFiles(temp.root, {
      ...saying('beta', 'beta 2 (longer)'),
      ...saying('gamma', 'gamma 1'),
    });
    const linked = await host.reloadPlugin('gamma');
    expect(linked.added).toEqual(['gamma']);
    expect(linked.updated).toEqual(['beta']);

    await rename(join(temp.root, 'plugins/alpha'), join(temp.root, 'plugins/alpha-moved'));
    await writeFiles(temp.root, saying('beta', 'beta 3 (longer still)'));
    const moved = await host.reloadPlugin('alpha');
    // a full scan: alpha is found where it went, and beta's change comes with it
    expect(moved.updated).toEqual(['alpha', 'beta']);
    expect(host.get('alpha')?.source).toBe(join(temp.root, 'plugins/alpha-moved'));
  });

  it('reloads a plugin linked into the folder (as augment dev links it), and only when it changed', async () => {
    const project = join(temp.root, 'project');
    await writeFiles(temp.root, {
      ...inFolder('project', esmPlugin('linked', 'export default { says: "linked 1" };\n')),
      ...saying('plain', 'plain 1'),
    });
    await mkdir(join(temp.root, 'plugins'), { recursive: true });
    await symlink(project, join(temp.root, 'plugins/linked'), 'dir');
    const host = temp.makeHost();
    await host.reload();
    const same = await host.reloadPlugin('linked');
    expect(same.unchanged).toEqual(['linked', 'plain']);
    const plain = await host.reloadPlugin('plain');
    expect(plain.unchanged).toEqual(['linked', 'plain']);
    await writeFiles(project, { 'index.mjs': 'export default { says: "linked 2 (longer)" };\n' });
    const changed = await host.reloadPlugin('linked');
    expect(changed.updated).toEqual(['linked']);
    expect(says(host, 'linked')).toBe('linked 2 (longer)');
  });

  it('keeps the last good version of a plugin whose new files fail, and reports the failure', async () => {
    const host = await startWith({ ...saying('alpha', 'alpha 1') });
    await writeFiles(temp.root, { 'plugins/alpha/index.mjs': 'export default {;\n' });
    const report = await host.reloadPlugin('alpha');
    expect(report.kept).toEqual(['alpha']);
    expect(report.failed.map((f) => [f.name, f.code])).toEqual([
      ['alpha', ERROR_CODES.LOAD_IMPORT],
    ]);
    expect(says(host, 'alpha')).toBe('alpha 1');
    await writeFiles(temp.root, { 'plugins/alpha/plugin.manifest.json': '{ "name": ' });
    const broken = await host.reloadPlugin('alpha');
    expect(broken.kept).toEqual(['alpha']);
    expect(broken.failed.map((f) => f.code)).toEqual([ERROR_CODES.MANIFEST_PARSE]);
  });

  it('checks its argument, rejects after close(), and is strict when the host is', async () => {
    await writeFiles(temp.root, saying('alpha', 'alpha 1'));
    const strict = temp.makeHost({ strict: true });
    await strict.reload();
    await writeFiles(temp.root, { 'plugins/alpha/index.mjs': 'export default {;\n' });
    await expect(strict.reloadPlugin('alpha')).rejects.toBeInstanceOf(StrictModeError);
    await expect(strict.reloadPlugin('')).rejects.toMatchObject({
      code: ERROR_CODES.OPTIONS_INVALID,
    });
    await strict.close();
    await expect(strict.reloadPlugin('alpha')).rejects.toMatchObject({
      code: ERROR_CODES.HOST_CLOSED,
    });
  });
});
