// Hosts sharing one archive cache: what one host uses is never swept by
// another, and an extraction that lost files is extracted again instead of
// failing for good. The interleavings are forced with a hook on the cache's
// own file system calls, so no test depends on timing.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZipFile } from 'yazl';
import { ArchiveCache } from '../../../src/sources/archive/cache.js';
import { PluginHost, type PluginHostOptions, type ReloadReport } from '../../../src/index.js';
import { makeTempDir, removeDir } from '../../helpers/fixtures.js';
import { esmPlugin, type PluginFiles } from '../../helpers/plugins.js';

/** Hooks into the cache's file system calls (the real calls run first). */
const hooks = vi.hoisted(() => ({
  /** Runs after every `readdir`, before its result is used. */
  afterListed: undefined as ((dir: string) => Promise<void>) | undefined,
  /** Runs once instead of finishing a `writeFile` into a `.leases` folder. */
  failLeaseWrite: undefined as Error | undefined,
  /** Runs after every `readFile`, before its result is used. */
  afterRead: undefined as ((file: string) => void) | undefined,
  /** A `readFile` of a path ending so fails with EMFILE. */
  failRead: undefined as string | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const readdir = async (...args: Parameters<typeof actual.readdir>): Promise<unknown> => {
    const listed = await actual.readdir(...args);
    await hooks.afterListed?.(String(args[0]));
    return listed;
  };
  const writeFile = async (...args: Parameters<typeof actual.writeFile>): Promise<void> => {
    const failure = hooks.failLeaseWrite;
    if (failure !== undefined && typeof args[0] === 'string' && args[0].includes('.leases')) {
      hooks.failLeaseWrite = undefined;
      // a full disk: part of the file is written, then the write fails
      await actual.writeFile(args[0], '{"pid":');
      throw failure;
    }
    await actual.writeFile(...args);
  };
  const readFile = async (...args: Parameters<typeof actual.readFile>): Promise<unknown> => {
    const failing = hooks.failRead;
    if (failing !== undefined && typeof args[0] === 'string' && args[0].endsWith(failing)) {
      throw Object.assign(new Error('too many open files'), { code: 'EMFILE' });
    }
    const read = await actual.readFile(...args);
    if (typeof args[0] === 'string') hooks.afterRead?.(args[0]);
    return read;
  };
  const mocked = { ...actual, readdir, writeFile, readFile };
  return { ...mocked, default: mocked };
});

interface Greeter {
  greet(who: string): string;
}

let root: string;
let cacheDir: string;
const hosts: PluginHost<Greeter>[] = [];

beforeEach(async () => {
  root = await makeTempDir('cache-sharing');
  cacheDir = join(root, 'cache');
});
afterEach(async () => {
  hooks.afterListed = undefined;
  hooks.failLeaseWrite = undefined;
  hooks.failRead = undefined;
  hooks.afterRead = undefined;
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await removeDir(root);
});

function makeHost(
  folder: string,
  options: Partial<PluginHostOptions<Greeter>> = {},
): PluginHost<Greeter> {
  const host = new PluginHost<Greeter>({ folder, cacheDir, logger: false, ...options });
  hosts.push(host);
  return host;
}

/** Zips plugin files into `folder/file`; returns the archive's SHA-256. */
async function zipPlugin(folder: string, file: string, files: PluginFiles): Promise<string> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    zip.addBuffer(Buffer.from(text), name.replace(/^\.\//, ''), { mtime: new Date(0) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  await fsp.mkdir(folder, { recursive: true });
  await fsp.writeFile(join(folder, file), bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** A plugin with a second module, so an import can miss a file other than the entry. */
const twoModules = (name: string): PluginFiles =>
  esmPlugin(
    name,
    `import { word } from './lib.mjs';\nexport default { greet: (who) => word + who };\n`,
    {
      files: { 'lib.mjs': `export const word = ${JSON.stringify(`${name} greets `)};\n` },
    },
  );

/** Extracts an archive into the cache through a host that then closes (its lease goes). */
async function extractAndLeave(folder: string): Promise<void> {
  const host = new PluginHost<Greeter>({ folder, cacheDir, logger: false });
  expect((await host.reload()).failed).toEqual([]);
  await host.close();
}

describe('a cache shared by several hosts', () => {
  it('leases a cache hit before loading it: a sweep between lookup and load keeps it', async () => {
    const folder = join(root, 'plugins');
    const hash = await zipPlugin(folder, 'p.zip', twoModules('p'));
    await extractAndLeave(folder);
    // another host's sweep runs after this host found the extraction, before it loads it
    const host = makeHost(folder, {
      integrity: async () => {
        await new ArchiveCache(cacheDir).sweep([]);
        return true;
      },
    });
    const report = await host.reload();
    expect(report.failed).toEqual([]);
    expect(report).toMatchObject({ added: ['p'], extracted: [] });
    expect(host.get('p')?.plugin.greet('you')).toBe('p greets you');
    expect(existsSync(join(cacheDir, hash, 'lib.mjs'))).toBe(true);
  });

  it('reads the leases again before removing: a lease written after the first read protects', async () => {
    const hash = await zipPlugin(join(root, 'a'), 'p.zip', twoModules('p'));
    await zipPlugin(join(root, 'b'), 'p.zip', twoModules('p'));
    const leaving = makeHost(join(root, 'b'));
    await leaving.reload();
    await fsp.rm(join(root, 'b', 'p.zip'));
    // host b has read the leases (none names the extraction) when host a loads it
    const staying = makeHost(join(root, 'a'));
    let fired = false;
    hooks.afterListed = async (dir) => {
      if (fired || !dir.endsWith('.leases')) return;
      fired = true;
      expect((await staying.reload()).added).toEqual(['p']);
    };
    expect((await leaving.reload()).removed).toEqual(['p']);
    expect(fired).toBe(true);
    expect(existsSync(join(cacheDir, hash, 'lib.mjs'))).toBe(true);
    expect((await staying.reload()).unchanged).toEqual(['p']);
  });

  it('makes a host that leases what a sweep is removing wait, then extract it again', async () => {
    const hash = await zipPlugin(join(root, 'a'), 'p.zip', twoModules('p'));
    await zipPlugin(join(root, 'b'), 'p.zip', twoModules('p'));
    const leaving = makeHost(join(root, 'b'));
    await leaving.reload();
    await fsp.rm(join(root, 'b', 'p.zip'));
    const staying = makeHost(join(root, 'a'));
    // host b has announced the removal and read the leases a second time
    // (none names the extraction) when host a leases it and reads the intents
    let listings = 0;
    let staid: Promise<ReloadReport> | undefined;
    let sawIntents = (): void => undefined;
    const seen = new Promise<void>((resolve) => (sawIntents = resolve));
    hooks.afterRead = (file) => {
      if (staid !== undefined && file.includes(`${sep}.sweeps${sep}`)) sawIntents();
    };
    hooks.afterListed = async (dir) => {
      if (staid !== undefined || !dir.endsWith('.leases') || ++listings < 2) return;
      staid = staying.reload();
      await seen;
    };
    expect((await leaving.reload()).removed).toEqual(['p']);
    const report = await staid;
    expect(report).toMatchObject({ added: ['p'], failed: [] });
    expect(report?.extracted).toEqual([join(root, 'a', 'p.zip')]);
    expect(staying.get('p')?.plugin.greet('you')).toBe('p greets you');
    expect(existsSync(join(cacheDir, hash, 'lib.mjs'))).toBe(true);
  });

  it('removes no extraction while a lease cannot be read', async () => {
    const folder = join(root, 'plugins');
    const hash = await zipPlugin(folder, 'p.zip', esmPlugin('p'));
    const host = makeHost(folder);
    await host.reload();
    // another live process's lease, unreadable for now (EMFILE)
    const other = `${process.ppid}-ab12cd34.json`;
    await fsp.writeFile(
      join(cacheDir, '.leases', other),
      JSON.stringify({ pid: process.ppid, extractions: [] }),
    );
    hooks.failRead = other;
    await fsp.rm(join(folder, 'p.zip'));
    expect((await host.reload()).removed).toEqual(['p']);
    expect(existsSync(join(cacheDir, hash))).toBe(true);
    expect(existsSync(join(cacheDir, '.leases', other))).toBe(true);
    hooks.failRead = undefined;
    await host.reload();
    expect(existsSync(join(cacheDir, hash))).toBe(false);
  });

  it('sweeps temporary lease files of dead processes, and keeps those of live ones', async () => {
    const folder = join(root, 'plugins');
    await zipPlugin(folder, 'p.zip', esmPlugin('p'));
    const leases = join(cacheDir, '.leases');
    await fsp.mkdir(leases, { recursive: true });
    const dead = '999999999-ab12cd34.json.0badf00d.tmp';
    const live = `${process.pid}-ab12cd34.json.0badf00d.tmp`;
    await fsp.writeFile(join(leases, dead), '{"pid":');
    await fsp.writeFile(join(leases, live), '{"pid":');
    expect((await makeHost(folder).reload()).added).toEqual(['p']);
    const left = readdirSync(leases);
    expect(left).toContain(live);
    expect(left).not.toContain(dead);
  });

  it('leaves no temporary lease file behind when writing the lease fails', async () => {
    const folder = join(root, 'plugins');
    await zipPlugin(folder, 'p.zip', esmPlugin('p'));
    hooks.failLeaseWrite = Object.assign(new Error('no space left on device'), {
      code: 'ENOSPC',
    });
    const host = makeHost(folder);
    await host.reload();
    expect(hooks.failLeaseWrite).toBeUndefined();
    expect(readdirSync(join(cacheDir, '.leases')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await host.reload()).failed).toEqual([]);
    expect(host.get('p')?.plugin.greet('you')).toBe('p greets you');
  });
});

describe("a host's own lease", () => {
  const leaseOf = (): { file: string; ino: number; names: unknown } => {
    const leases = join(cacheDir, '.leases');
    const [name] = readdirSync(leases).filter((n) => n.startsWith(`${process.pid}-`));
    if (name === undefined) throw new Error('no lease of this process');
    const file = join(leases, name);
    const held = JSON.parse(readFileSync(file, 'utf8')) as { extractions: string[] };
    return { file, ino: statSync(file).ino, names: [...held.extractions].sort() };
  };

  it('is written again only when what it holds changed, or when its file is gone', async () => {
    const folder = join(root, 'plugins');
    const p = await zipPlugin(folder, 'p.zip', esmPlugin('p'));
    const host = makeHost(folder);
    expect((await host.reload()).added).toEqual(['p']);
    const first = leaseOf();
    expect(first.names).toEqual([p]);

    // nothing changed: the same file (a write replaces it with a new one)
    await host.reload();
    expect(leaseOf().ino).toBe(first.ino);

    // one more archive: the lease names it
    const q = await zipPlugin(folder, 'q.zip', esmPlugin('q'));
    expect((await host.reload()).added).toEqual(['q']);
    const second = leaseOf();
    expect(second.names).toEqual([p, q].sort());

    // an archive gone: the lease no longer names its extraction
    await fsp.rm(join(folder, 'q.zip'));
    expect((await host.reload()).removed).toEqual(['q']);
    expect(leaseOf().names).toEqual([p]);

    // the file removed behind the host's back: written again
    await fsp.rm(leaseOf().file);
    await host.reload();
    expect(leaseOf().names).toEqual([p]);
  });
});

describe('an extraction that lost files', () => {
  const cases: [string, string, Partial<PluginHostOptions<Greeter>>][] = [
    ['its entry point', 'index.mjs', {}],
    ['a module the entry imports', 'lib.mjs', {}],
    ['its manifest', 'plugin.manifest.json', {}],
    [
      'its manifest, with an integrity function to ask',
      'plugin.manifest.json',
      { integrity: () => true },
    ],
  ];
  it.each(cases)('is extracted again when it lost %s', async (_what, file, options) => {
    const folder = join(root, 'plugins');
    const hash = await zipPlugin(folder, 'p.zip', twoModules('p'));
    await extractAndLeave(folder);
    await fsp.rm(join(cacheDir, hash, file));
    const host = makeHost(folder, options);
    const first = await host.reload();
    // loaded at once, or at the latest by the next reload of the same host
    const report = first.added.length > 0 ? first : await host.reload();
    expect(report.failed).toEqual([]);
    expect(report.added).toEqual(['p']);
    expect(host.get('p')?.plugin.greet('you')).toBe('p greets you');
    expect(existsSync(join(cacheDir, hash, file))).toBe(true);
  });

  it('is extracted again when one of its files was changed', async () => {
    const folder = join(root, 'plugins');
    const hash = await zipPlugin(folder, 'p.zip', twoModules('p'));
    await extractAndLeave(folder);
    await fsp.writeFile(
      join(cacheDir, hash, 'lib.mjs'),
      'throw new Error("edited in the cache");\n',
    );
    const host = makeHost(folder);
    const report = await host.reload();
    expect(report.failed).toEqual([]);
    expect(host.get('p')?.plugin.greet('you')).toBe('p greets you');
  });
});
