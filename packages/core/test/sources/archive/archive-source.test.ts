import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { PluginHost, type PluginHostOptions, type ReloadReport } from '../../../src/index.js';
import { makeTempDir, removeDir, writeFiles } from '../../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder, type PluginFiles } from '../../helpers/plugins.js';
import { buildZip, MANIFEST_ENTRY } from '../../helpers/zip-writer.js';

interface Greeter {
  greet(who: string): string;
}

let root: string;
let folder: string;
let cacheDir: string;
const hosts: PluginHost<Greeter>[] = [];

beforeEach(async () => {
  root = await makeTempDir('archives');
  folder = join(root, 'plugins');
  cacheDir = join(root, 'cache');
  await mkdir(folder);
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await removeDir(root);
});

function makeHost(options: Partial<PluginHostOptions<Greeter>> = {}): PluginHost<Greeter> {
  const host = new PluginHost<Greeter>({ folder, cacheDir, logger: false, ...options });
  hosts.push(host);
  return host;
}

/** Zips plugin files (optionally under one top-level folder) with yazl. */
async function zipPlugin(file: string, files: PluginFiles, top = ''): Promise<string> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    zip.addBuffer(Buffer.from(text), `${top}${name.replace(/^\.\//, '')}`, {
      mtime: new Date(0),
      compress: false,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  await writeFile(join(folder, file), bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

const extractions = async (): Promise<string[]> =>
  (await readdir(cacheDir).catch(() => [])).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();

const summary = (report: ReloadReport): object => ({
  added: report.added,
  updated: report.updated,
  removed: report.removed,
  extracted: report.extracted.map((s) => s.split(/[\\/]/).pop()),
  failed: report.failed.map((f) => [f.source.split(/[\\/]/).pop(), f.stage, f.code]),
});

describe('zip plugins', () => {
  it('load beside directories, with hostile archives refused at the extract stage', async () => {
    await zipPlugin('esm.zip', esmPlugin('zip-esm'));
    await zipPlugin('cjs.zip', cjsPlugin('zip-cjs'), 'zip-cjs/');
    await writeFiles(folder, inFolder('dir', esmPlugin('dir-plugin')));
    await writeFile(
      join(folder, 'evil.zip'),
      buildZip({ entries: [MANIFEST_ENTRY, { name: '../escape.js', content: 'x' }] }),
    );
    await writeFile(join(folder, 'not-a-zip.zip'), 'hello, I am text');
    await zipPlugin('no-manifest.zip', { 'index.js': 'x', 'lib/a.js': 'y' });

    const host = makeHost();
    const report = await host.reload();
    expect(summary(report)).toEqual({
      added: ['dir-plugin', 'zip-cjs', 'zip-esm'],
      updated: [],
      removed: [],
      extracted: ['cjs.zip', 'esm.zip'],
      failed: [
        ['evil.zip', 'extract', 'AUG_ARCHIVE_UNSAFE_NAME'],
        ['no-manifest.zip', 'manifest', 'AUG_ARCHIVE_NO_MANIFEST'],
        ['not-a-zip.zip', 'extract', 'AUG_ARCHIVE_INVALID'],
      ],
    });
    expect(host.get('zip-esm')).toMatchObject({ origin: 'archive', format: 'esm' });
    expect(host.get('zip-cjs')?.plugin.greet('you')).toBe('zip-cjs greets you');
    expect(host.get('zip-esm')?.source).toBe(join(folder, 'esm.zip'));
    expect(host.get('zip-esm')?.dir.startsWith(cacheDir)).toBe(true);
    expect(report.failed.find((f) => f.code === 'AUG_ARCHIVE_NO_MANIFEST')?.message).toContain(
      'lib/a.js',
    );
    // nothing of the rejected archives was left in the cache
    expect(await extractions()).toHaveLength(2);
    expect(existsSync(join(root, 'escape.js'))).toBe(false);
  });

  it('extracts nothing on the second reload, nor on the next start of the host', async () => {
    await zipPlugin('a.zip', esmPlugin('a'));
    const host = makeHost();
    expect((await host.reload()).extracted).toHaveLength(1);
    const plugin = host.get('a')?.plugin;
    const second = await host.reload();
    expect(second).toMatchObject({ extracted: [], unchanged: ['a'] });
    expect(host.get('a')?.plugin).toBe(plugin);
    await host.close();

    const restarted = makeHost();
    const report = await restarted.reload();
    expect(report).toMatchObject({ extracted: [], added: ['a'] });
  });

  it('keeps a plugin zipped inside one top-level folder unchanged across reloads', async () => {
    await zipPlugin('folder.zip', cjsPlugin('in-folder'), 'in-folder/');
    const host = makeHost();
    await host.reload();
    const plugin = host.get('in-folder')?.plugin;
    expect(await host.reload()).toMatchObject({ unchanged: ['in-folder'], updated: [] });
    expect(host.get('in-folder')?.plugin).toBe(plugin);
  });

  it('loads a new version of a changed archive fresh, and removes the old extraction', async () => {
    const v1 = await zipPlugin('p.zip', {
      ...esmPlugin(
        'p',
        `import { word } from './helper.mjs'; export default { greet: () => word };`,
      ),
      'helper.mjs': `export const word = 'one';`,
    });
    const host = makeHost();
    await host.reload();
    expect(host.get('p')?.plugin.greet('')).toBe('one');
    const v2 = await zipPlugin('p.zip', {
      ...esmPlugin(
        'p',
        `import { word } from './helper.mjs'; export default { greet: () => word };`,
        { version: '1.1.0' },
      ),
      'helper.mjs': `export const word = 'two';`,
    });
    const report = await host.reload();
    expect(summary(report)).toMatchObject({ updated: ['p'], extracted: ['p.zip'] });
    expect(host.get('p')?.plugin.greet('')).toBe('two');
    expect(await extractions()).toEqual([v2]);
    expect(v1).not.toBe(v2);

    await rm(join(folder, 'p.zip'));
    expect((await host.reload()).removed).toEqual(['p']);
    expect(await extractions()).toEqual([]);
  });

  it('keeps the extraction of the last known good version while it serves', async () => {
    const v1 = await zipPlugin('p.zip', esmPlugin('p'));
    const host = makeHost();
    await host.reload();
    const v2 = await zipPlugin('p.zip', esmPlugin('p', `throw new Error('v2 is broken')`));
    const report = await host.reload();
    expect(report.kept).toEqual(['p']);
    expect(await extractions()).toEqual([v1, v2].sort());
    expect(host.get('p')?.plugin.greet('x')).toBe('p greets x');
  });

  it('finds the entry point in an extraction, or reports it missing', async () => {
    const manifest = (name: string, entryPoint: string): object => ({
      name,
      version: '1.0.0',
      entryPoint,
    });
    await zipPlugin('nested.zip', {
      'plugin.manifest.json': manifest('nested', './dist//index.mjs'),
      'dist/index.mjs': `export default { greet: () => 'nested' };`,
    });
    await zipPlugin('missing.zip', {
      'plugin.manifest.json': manifest('missing', './dist/index.mjs'),
      'index.mjs': `export default { greet: () => 'x' };`,
    });
    await zipPlugin('folder.zip', {
      'plugin.manifest.json': manifest('folder', './lib'),
      'lib/index.mjs': `export default { greet: () => 'x' };`,
    });
    const host = makeHost();
    const report = await host.reload();
    expect(report.added).toEqual(['nested']);
    expect(host.get('nested')?.plugin.greet('')).toBe('nested');
    expect(summary(report)).toMatchObject({
      failed: [
        ['folder.zip', 'manifest', 'AUG_ENTRY_MISSING'],
        ['missing.zip', 'manifest', 'AUG_ENTRY_MISSING'],
      ],
    });
  });

  it('loads from the real path of a symlinked cacheDir, and still keeps what serves', async () => {
    await mkdir(join(root, 'real-cache'));
    await symlink(join(root, 'real-cache'), cacheDir, 'dir');
    const v1 = await zipPlugin('p.zip', esmPlugin('p'));
    const host = makeHost();
    await host.reload();
    expect(host.get('p')?.dir).toBe(join(realpathSync(join(root, 'real-cache')), v1));
    // v2 fails: v1 keeps serving from its real path, so the sweep must keep it
    const v2 = await zipPlugin('p.zip', esmPlugin('p', `throw new Error('v2 is broken')`));
    expect((await host.reload()).kept).toEqual(['p']);
    expect(await extractions()).toEqual([v1, v2].sort());
    const leases = readdirSync(join(cacheDir, '.leases'));
    const lease = JSON.parse(readFileSync(join(cacheDir, '.leases', leases[0] ?? ''), 'utf8')) as {
      extractions: string[];
    };
    expect(lease.extractions.sort()).toEqual([v1, v2].sort());
    expect(host.get('p')?.plugin.greet('x')).toBe('p greets x');
    await rm(join(folder, 'p.zip'));
    expect((await host.reload()).removed).toEqual(['p']);
    expect(await extractions()).toEqual([]);
  });

  it('lets a directory beat an archive of the same version, and a higher version win', async () => {
    await zipPlugin('same.zip', esmPlugin('same', `export default { greet: () => 'zip' }`));
    await writeFiles(
      folder,
      inFolder('same', esmPlugin('same', `export default { greet: () => 'dir' }`)),
    );
    await zipPlugin(
      'newer.zip',
      esmPlugin('newer', `export default { greet: () => 'zip' }`, { version: '2.0.0' }),
    );
    await writeFiles(
      folder,
      inFolder('newer', esmPlugin('newer', `export default { greet: () => 'dir' }`)),
    );
    const host = makeHost();
    const report = await host.reload();
    expect(host.get('same')?.plugin.greet('')).toBe('dir');
    expect(host.get('newer')?.plugin.greet('')).toBe('zip');
    expect(summary(report)).toMatchObject({
      failed: [
        ['newer', 'conflict', 'AUG_CONFLICT_DUPLICATE'],
        ['same.zip', 'conflict', 'AUG_CONFLICT_DUPLICATE'],
      ],
    });
  });
});

describe('integrity', () => {
  it('loads pinned archives and refuses a tampered one before extracting it', async () => {
    const good = await zipPlugin('good.zip', esmPlugin('good'));
    const byName = await zipPlugin('by-name.zip', esmPlugin('by-name'));
    const base64 = await zipPlugin('b64.zip', esmPlugin('b64'));
    await zipPlugin('tampered.zip', esmPlugin('tampered'));
    const host = makeHost({
      integrity: {
        'good.zip': `${good}  good.zip`,
        'by-name': byName,
        'b64.zip': `sha256-${Buffer.from(base64, 'hex').toString('base64')}`,
        'tampered.zip': good,
      },
    });
    const report = await host.reload();
    expect(report.added).toEqual(['b64', 'by-name', 'good']);
    expect(summary(report)).toMatchObject({
      failed: [['tampered.zip', 'extract', 'AUG_ARCHIVE_INTEGRITY']],
    });
    expect(report.extracted.map((s) => s.split(/[\\/]/).pop())).not.toContain('tampered.zip');
    expect(await extractions()).toHaveLength(3);
  });

  it('refuses unpinned archives with requireIntegrity, and asks an integrity function', async () => {
    const pinned = await zipPlugin('pinned.zip', esmPlugin('pinned'));
    await zipPlugin('loose.zip', esmPlugin('loose'));
    const strict = makeHost({ integrity: { 'pinned.zip': pinned }, requireIntegrity: true });
    const report = await strict.reload();
    expect(report.added).toEqual(['pinned']);
    expect(summary(report)).toMatchObject({
      failed: [['loose.zip', 'extract', 'AUG_ARCHIVE_INTEGRITY']],
    });

    const seen: string[] = [];
    const byFunction = makeHost({
      cacheDir: join(root, 'cache-2'),
      integrity: ({ name, sha256 }) => {
        seen.push(name);
        return sha256 === pinned;
      },
    });
    expect((await byFunction.reload()).added).toEqual(['pinned']);
    expect(seen.sort()).toEqual(['loose', 'pinned']);
  });
});

describe('the archive cache', () => {
  it('defaults to node_modules/.cache/augment under the working directory, one per folder', async () => {
    const { defaultCacheDir } = await import('../../../src/sources/archive/cache-dir.js');
    await mkdir(join(root, 'node_modules'));
    const a = defaultCacheDir('/srv/plugins-a', root);
    const b = defaultCacheDir('/srv/plugins-b', root);
    expect(a.startsWith(join(root, 'node_modules', '.cache', 'augment'))).toBe(true);
    expect(a).not.toBe(b);
    const elsewhere = defaultCacheDir('/srv/plugins-a', join(root, 'no-modules-here'));
    expect(elsewhere.includes('node_modules')).toBe(false);
  });

  it('remembers archive hashes across starts, but hashes the bytes again before extracting', async () => {
    // stored entries: two versions of the same length make archives of the same size
    const v1 = await zipPlugin('p.zip', esmPlugin('p', `export default { greet: () => 'one' };`));
    const file = join(folder, 'p.zip');
    const stamp = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    await utimes(file, stamp, stamp);
    const pinned = { 'p.zip': v1 };
    await makeHost({ integrity: pinned }).reload();
    await Promise.all(hosts.splice(0).map((h) => h.close()));
    const index = JSON.parse(readFileSync(join(cacheDir, '.hashes.json'), 'utf8')) as {
      archives: Record<string, unknown[]>;
    };
    expect(index.archives[file]?.[3]).toBe(v1);

    // rewrite the archive in place (same inode and size) and put its mtime back
    const before = statSync(file);
    const v2 = await zipPlugin('p.zip', esmPlugin('p', `export default { greet: () => 'two' };`));
    await utimes(file, stamp, stamp);
    expect(statSync(file)).toMatchObject({ size: before.size, ino: before.ino });
    expect(v2).not.toBe(v1);

    // the next start trusts the remembered hash: it serves the extraction of v1,
    // the bytes that were checked against the pin
    const second = makeHost({ integrity: pinned });
    expect(await second.reload()).toMatchObject({ added: ['p'], extracted: [] });
    expect(second.get('p')?.plugin.greet('')).toBe('one');
    await Promise.all(hosts.splice(0).map((h) => h.close()));

    // without that extraction, the archive is hashed again before anything is
    // extracted: the new bytes fail the pin instead of landing under v1's hash
    await rm(join(cacheDir, v1), { recursive: true });
    const third = makeHost({ integrity: pinned });
    const report = await third.reload();
    expect(summary(report)).toMatchObject({
      added: [],
      failed: [['p.zip', 'extract', 'AUG_ARCHIVE_INTEGRITY']],
    });
    expect(await extractions()).toEqual([]);
    await Promise.all(hosts.splice(0).map((h) => h.close()));
    const unpinned = makeHost();
    expect(await unpinned.reload()).toMatchObject({ added: ['p'], extracted: [file] });
    expect(unpinned.get('p')?.plugin.greet('')).toBe('two');
    expect(await extractions()).toEqual([v2]);
  });

  it('ignores a hash index it cannot use, and sweeps index files dead processes left', async () => {
    await zipPlugin('p.zip', esmPlugin('p'));
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, '.hashes.json'), '{ "version": 1, "archives": ');
    await writeFile(join(cacheDir, '.hashes.json.999999999-ab12.cd34.tmp'), '{}');
    await writeFile(join(cacheDir, `.hashes.json.${process.pid}-ab12.cd34.tmp`), '{}');
    const host = makeHost();
    expect(await host.reload()).toMatchObject({ added: ['p'], failed: [] });
    const left = readdirSync(cacheDir).filter((n) => n.startsWith('.hashes'));
    expect(left.sort()).toEqual(['.hashes.json', `.hashes.json.${process.pid}-ab12.cd34.tmp`]);
    const index = JSON.parse(readFileSync(join(cacheDir, '.hashes.json'), 'utf8')) as {
      version: number;
    };
    expect(index.version).toBe(1);
  });

  it('never removes an extraction that another live host process leases', async () => {
    const hash = await zipPlugin('p.zip', esmPlugin('p'));
    const host = makeHost();
    await host.reload();
    await rm(join(folder, 'p.zip'));
    // a lease of a live process (this test runner's parent) and one of a dead process
    await writeFile(
      join(cacheDir, '.leases', 'other-live.json'),
      JSON.stringify({ pid: process.ppid, extractions: [hash] }),
    );
    await writeFile(
      join(cacheDir, '.leases', 'other-dead.json'),
      JSON.stringify({ pid: 2 ** 22 + 12345, extractions: ['f'.repeat(64)] }),
    );
    await mkdir(join(cacheDir, 'f'.repeat(64)));
    await mkdir(join(cacheDir, 'unrelated-user-folder'));
    expect((await host.reload()).removed).toEqual(['p']);
    expect(await extractions()).toEqual([hash]);
    expect(existsSync(join(cacheDir, '.leases', 'other-dead.json'))).toBe(false);
    expect(existsSync(join(cacheDir, 'unrelated-user-folder'))).toBe(true);
    await rm(join(cacheDir, '.leases', 'other-live.json'));
    await host.reload();
    expect(await extractions()).toEqual([]);
  });
});

describe('archive edge cases found in review', () => {
  it('remembers a refusal per archive file, not per content', async () => {
    const hash = await zipPlugin('one.zip', esmPlugin('same-bytes'));
    await zipPlugin('two.zip', esmPlugin('same-bytes'));
    const host = makeHost({ integrity: { 'one.zip': hash, 'two.zip': 'f'.repeat(64) } });
    const first = await host.reload();
    expect(summary(first)).toMatchObject({
      failed: [['two.zip', 'extract', 'AUG_ARCHIVE_INTEGRITY']],
    });
    const second = await host.reload();
    expect(second.unchanged).toEqual(['same-bytes']);
    expect(summary(second)).toMatchObject({
      failed: [['two.zip', 'extract', 'AUG_ARCHIVE_INTEGRITY']],
    });
  });

  it('names no placeholder when requireIntegrity refuses an unpinned archive', async () => {
    await zipPlugin('a.zip', esmPlugin('a'));
    const report = await makeHost({ requireIntegrity: true }).reload();
    expect(report.failed[0]?.code).toBe('AUG_ARCHIVE_INTEGRITY');
    expect(report.failed[0]?.message).not.toContain('not read');
    expect(report.failed[0]?.message).toContain('a.zip');
  });

  it('reports a throwing or hanging integrity function as an integrity failure', async () => {
    await zipPlugin('a.zip', esmPlugin('a'));
    const throwing = makeHost({
      integrity: () => {
        throw new Error('pin service down');
      },
    });
    const report = await throwing.reload();
    expect(report.failed.map((f) => f.code)).toEqual(['AUG_ARCHIVE_INTEGRITY']);
    expect(report.failed[0]?.message).toContain('pin service down');
    const hanging = makeHost({
      cacheDir: join(root, 'cache-hang'),
      loadTimeoutMs: 50,
      integrity: () => new Promise<boolean>(() => undefined),
    });
    expect((await hanging.reload()).failed.map((f) => f.code)).toEqual(['AUG_ARCHIVE_INTEGRITY']);
  });

  it('reports a cache folder that cannot be written as AUG_ARCHIVE_WRITE', async () => {
    await zipPlugin('a.zip', esmPlugin('a'));
    await writeFile(join(root, 'a-file'), 'not a folder');
    const report = await makeHost({ cacheDir: join(root, 'a-file', 'cache') }).reload();
    expect(report.failed.map((f) => [f.stage, f.code])).toEqual([['extract', 'AUG_ARCHIVE_WRITE']]);
    expect(report.failed[0]?.message).toContain(join(root, 'a-file', 'cache'));
  });

  it('refuses a malformed pin when the host is created', () => {
    expect(() => makeHost({ integrity: { 'a.zip': 'not-a-digest' } })).toThrow(
      expect.objectContaining({ code: 'AUG_OPTIONS_INVALID' }) as Error,
    );
  });

  it('leases an extraction before it is renamed into place', async () => {
    await zipPlugin('a.zip', esmPlugin('a'));
    const host = makeHost();
    const leases: string[][] = [];
    host.on('plugin:loaded', () => {
      // by the time a plugin is published its extraction is leased
      const files = readdirSync(join(cacheDir, '.leases'));
      for (const file of files) {
        leases.push(
          (
            JSON.parse(readFileSync(join(cacheDir, '.leases', file), 'utf8')) as {
              extractions: string[];
            }
          ).extractions,
        );
      }
    });
    await host.reload();
    expect(leases.flat()).toHaveLength(1);
  });
});

it('asks an integrity function once per archive content, not at every reload', async () => {
  await zipPlugin('a.zip', esmPlugin('a'));
  let asked = 0;
  const host = makeHost({
    integrity: () => {
      asked++;
      return true;
    },
  });
  await host.reload();
  await host.reload();
  await host.reload();
  expect(asked).toBe(1);
  await zipPlugin('a.zip', esmPlugin('a', undefined, { version: '1.0.1' }));
  await host.reload();
  expect(asked).toBe(2);
});

it('hashes a small archive from one read and a large one as a stream, to the same digest', async () => {
  const { hashFile } = await import('../../../src/archive/archive.js');
  const file = join(root, 'data.bin');
  const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
  await writeFile(file, bytes);
  const expected = createHash('sha256').update(bytes).digest('hex');
  expect(await hashFile(file)).toBe(expected);
  expect(await hashFile(file, bytes.length)).toBe(expected);
  await writeFile(file, bytes.subarray(0, 1000));
  const small = createHash('sha256').update(bytes.subarray(0, 1000)).digest('hex');
  expect(await hashFile(file, 1000)).toBe(small);
});
