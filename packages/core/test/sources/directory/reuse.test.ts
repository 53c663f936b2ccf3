// The scan answers from what its fingerprint walk saw (entry point, source
// map, real paths) and reuses an unchanged plugin's manifest; wherever the
// walk cannot tell, the file system is asked as before. These tests pin both
// sides: the shortcuts are taken, and every case they do not cover still
// loads or fails exactly as the full checks say.
import { realpathSync, statSync } from 'node:fs';
import { mkdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginHost, type PluginFailure } from '../../../src/index.js';
import { makeTempDir, removeDir, writeFiles } from '../../helpers/fixtures.js';
import { esmPlugin, inFolder } from '../../helpers/plugins.js';

interface Greeter {
  greet(who: string): string;
}
const isGreeter = (p: unknown): p is Greeter =>
  typeof p === 'object' && p !== null && typeof (p as Greeter).greet === 'function';

let root: string;
let folder: string;
let hosts: PluginHost<Greeter>[] = [];

beforeEach(async () => {
  root = await makeTempDir('scan');
  folder = join(root, 'plugins');
  await mkdir(folder);
});

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
  await removeDir(root);
});

function makeHost(at = folder): PluginHost<Greeter> {
  const host = new PluginHost<Greeter>({ folder: at, validator: isGreeter, logger: false });
  hosts.push(host);
  return host;
}

const codes = (failures: readonly PluginFailure[]): string[] => failures.map((f) => f.code).sort();

describe('manifest reuse', () => {
  it('does not read an unchanged manifest again, and reads it once its size, mtime or inode change', async () => {
    await writeFiles(folder, inFolder('p', esmPlugin('alpha')));
    const manifest = join(folder, 'p/plugin.manifest.json');
    // whole seconds, so the time can be put back exactly
    const stamp = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await utimes(manifest, stamp, stamp);
    const host = makeHost();
    expect((await host.reload()).added).toEqual(['alpha']);

    // Rewrite the manifest in place (same inode, same size) and put its mtime
    // back: the fingerprint cannot tell, and a reload that read the file
    // again would now find "bravo".
    const before = statSync(manifest);
    const text = JSON.stringify({ name: 'bravo', version: '1.0.0', entryPoint: './index.mjs' });
    await writeFile(manifest, text.padEnd(before.size, ' '));
    await utimes(manifest, stamp, stamp);
    expect(statSync(manifest).ino).toBe(before.ino);
    expect(statSync(manifest).size).toBe(before.size);
    const warm = await host.reload();
    expect(warm.unchanged).toEqual(['alpha']);
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(['alpha']);

    const later = new Date(stamp.getTime() + 5_000);
    await utimes(manifest, later, later);
    const changed = await host.reload();
    expect(changed.added).toEqual(['bravo']);
    expect(changed.removed).toEqual(['alpha']);
  });

  it('reports a broken manifest once and keeps reporting it while it stays broken', async () => {
    await writeFiles(folder, { 'p/plugin.manifest.json': '{ "name": ', 'p/index.mjs': '' });
    const host = makeHost();
    expect(codes((await host.reload()).failed)).toEqual(['AUG_MANIFEST_PARSE']);
    expect(codes((await host.reload()).failed)).toEqual(['AUG_MANIFEST_PARSE']);
    expect(codes(host.getFailures())).toEqual(['AUG_MANIFEST_PARSE']);
  });
});

describe('the synchronous walk', () => {
  it('yields to the event loop while it scans many plugin directories', async () => {
    const files: Record<string, string | object> = {};
    for (let i = 0; i < 1500; i += 1) Object.assign(files, inFolder(`p${i}`, esmPlugin(`p${i}`)));
    await writeFiles(folder, files);
    // every plugin is ignored, so the reload is the scan alone: no import yields for it
    const host = new PluginHost<Greeter>({ folder, logger: false, ignore: () => true });
    hosts.push(host);
    // A chain of immediates runs whenever the event loop gets a turn. Time is
    // the process's CPU time, not the wall clock: a busy machine that pauses
    // the process adds wall time between two turns, never CPU time.
    const cpuMs = (): number => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const turns: number[] = [];
    let scanning = true;
    const turn = (): void => {
      turns.push(cpuMs());
      if (scanning) setImmediate(turn);
    };
    setImmediate(turn);
    const started = cpuMs();
    const report = await host.reload();
    scanning = false;
    const ended = cpuMs();
    expect(report.added).toEqual([]);
    // the walk yields every few ms; without yielding, the loop would wait for the whole scan
    const marks = [started, ...turns.filter((at) => at > started), ended];
    const gaps = marks.slice(1).map((at, i) => at - (marks[i] ?? at));
    expect(Math.max(...gaps)).toBeLessThan((ended - started) / 3);
  });
});

describe('entry point from the walk', () => {
  it('accepts the spellings of one path: ./, //, /./', async () => {
    for (const [name, entryPoint] of [
      ['dot', './dist/index.mjs'],
      ['bare', 'dist/index.mjs'],
      ['double', 'dist//index.mjs'],
      ['inner-dot', './dist/./index.mjs'],
    ] as const) {
      await writeFiles(folder, inFolder(name, esmPlugin(name, undefined, { entryPoint })));
    }
    const host = makeHost();
    const report = await host.reload();
    expect(report.failed).toEqual([]);
    for (const entry of host.getAll()) {
      expect(entry.dir).toBe(realpathSync(join(folder, entry.manifest.name)));
      expect(entry.plugin.greet('x')).toBe(`${entry.manifest.name} greets x`);
    }
    expect(host.getAll()).toHaveLength(4);
  });

  it('loads an entry the walk does not see: in a dot-folder, or a symlink inside the plugin', async () => {
    await writeFiles(folder, {
      ...inFolder('hidden', esmPlugin('hidden', undefined, { entryPoint: './.out/index.mjs' })),
      ...inFolder('linked', esmPlugin('linked', undefined, { entryPoint: './index.mjs' })),
    });
    await writeFiles(folder, {
      'linked/real/index.mjs': 'export default { greet: (w) => "linked real " + w };\n',
    });
    await removeEntry(join(folder, 'linked/index.mjs'));
    await symlink(join(folder, 'linked/real/index.mjs'), join(folder, 'linked/index.mjs'));
    const host = makeHost();
    const report = await host.reload();
    expect(report.failed).toEqual([]);
    expect(host.get('hidden')?.plugin.greet('x')).toBe('hidden greets x');
    expect(host.get('linked')?.plugin.greet('x')).toBe('linked real x');
  });

  it('still refuses an entry that is missing, a directory, dangling, or a symlink leading out', async () => {
    await writeFiles(folder, {
      ...inFolder(
        'missing',
        esmPlugin('missing', undefined, { manifest: { entryPoint: './nope.mjs' } }),
      ),
      'dir/plugin.manifest.json': {
        name: 'dir',
        version: '1.0.0',
        entryPoint: './index.mjs',
      },
      'dir/index.mjs/x.mjs': 'export default 1;\n',
      ...inFolder('dangling', esmPlugin('dangling')),
      ...inFolder('outside', esmPlugin('outside')),
      'elsewhere/index.mjs': 'export default { greet: () => "escaped" };\n',
    });
    await removeEntry(join(folder, 'dangling/index.mjs'));
    await symlink(join(root, 'gone.mjs'), join(folder, 'dangling/index.mjs'));
    await removeEntry(join(folder, 'outside/index.mjs'));
    await symlink(join(folder, 'elsewhere/index.mjs'), join(folder, 'outside/index.mjs'));
    const host = makeHost();
    const report = await host.reload();
    expect(Object.fromEntries(report.failed.map((f) => [f.name, f.code]))).toEqual({
      missing: 'AUG_ENTRY_MISSING',
      dir: 'AUG_ENTRY_MISSING',
      dangling: 'AUG_ENTRY_MISSING',
      outside: 'AUG_ENTRY_OUTSIDE',
    });
    expect(host.getAll()).toEqual([]);
  });

  it('gives real directories when the folder itself or a plugin directory is a symlink', async () => {
    await writeFiles(root, {
      ...inFolder('real/plain', esmPlugin('plain')),
      ...inFolder('outside/linked', esmPlugin('linked')),
    });
    await symlink(join(root, 'outside/linked'), join(root, 'real/linked'), 'dir');
    await symlink(join(root, 'real'), join(root, 'via-link'), 'dir');
    const host = makeHost(join(root, 'via-link'));
    expect((await host.reload()).failed).toEqual([]);
    const real = realpathSync(root);
    expect(host.get('plain')?.dir).toBe(join(real, 'real/plain'));
    expect(host.get('linked')?.dir).toBe(join(real, 'outside/linked'));
    expect(host.get('plain')?.source).toBe(join(root, 'via-link/plain'));
  });
});

async function removeEntry(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
