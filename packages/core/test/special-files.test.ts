import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_MANIFEST_BYTES,
  PluginHost,
  detectFormat,
  hashFile,
  readManifest,
  type PluginFailure,
  type ReloadReport,
} from '../src/index.js';
import { runHost, type HostKind } from './helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from './helpers/plugins.js';

// Every file made here is opened by nobody but the code under test: a FIFO
// without a writer blocks whoever opens it for reading the usual way.

interface Greeter {
  greet(who: string): string;
}

const posix = process.platform !== 'win32';
/** Generous: a scan that finishes at all finishes in well under this. */
const BOUND_MS = 20_000;

let root: string;
let folder: string;
const hosts: PluginHost<Greeter>[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  root = await makeTempDir('special');
  folder = join(root, 'plugins');
  await mkdir(folder);
  await writeFiles(folder, inFolder('good', esmPlugin('good')));
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  await removeDir(root);
});

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

async function listenOn(path: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen(path, done));
}

/** Settles within {@link BOUND_MS}, or fails the test instead of hanging it. */
async function bounded<R>(work: Promise<R>): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      fail(new Error(`did not settle within ${BOUND_MS} ms`));
    }, BOUND_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reloads twice (the second time from the sticky state) and returns the first report. */
async function reloadTwice(): Promise<ReloadReport> {
  const host = new PluginHost<Greeter>({ folder, cacheDir: join(root, 'cache'), logger: false });
  hosts.push(host);
  const first = await bounded(host.reload());
  const second = await bounded(host.reload());
  expect(second.failed.map(brief)).toEqual(first.failed.map(brief));
  expect(host.getAll().map((e) => e.manifest.name)).toEqual(['good']);
  return first;
}

const brief = (f: PluginFailure): object => ({ stage: f.stage, code: f.code });

/** The one failure of the report, about `source` (a name in the folder). */
function onlyFailure(report: ReloadReport, source: string): object {
  expect(report.failed.map((f) => f.source)).toEqual([join(folder, source)]);
  expect(report.added).toEqual(['good']);
  const [failure] = report.failed;
  return failure === undefined ? {} : brief(failure);
}

/** A plugin `bad` whose files are written, then `special` made in its directory. */
async function badPlugin(
  files: Record<string, string | object>,
  special: (dir: string) => Promise<void> | void,
): Promise<string> {
  const dir = join(folder, 'bad');
  await writeFiles(dir, files);
  await special(dir);
  return dir;
}

const manifestUnreadable = { stage: 'manifest', code: 'AUG_MANIFEST_UNREADABLE' };
const entryMissing = { stage: 'manifest', code: 'AUG_ENTRY_MISSING' };
const packageRefused = { stage: 'import', code: 'AUG_LOAD_IMPORT' };
const archiveRefused = { stage: 'extract', code: 'AUG_ARCHIVE_UNREADABLE' };

describe.runIf(posix)('special files in a plugin', { timeout: 30_000 }, () => {
  it('a FIFO manifest is a manifest failure, not a plugin skipped or a frozen scan', async () => {
    await badPlugin({ 'index.mjs': 'export default {};' }, (dir) => {
      mkfifo(join(dir, 'plugin.manifest.json'));
    });
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(manifestUnreadable);
  });

  it('a manifest that links to /dev/zero is refused without reading it', async () => {
    await badPlugin({ 'index.mjs': 'export default {};' }, async (dir) => {
      await symlink('/dev/zero', join(dir, 'plugin.manifest.json'));
    });
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(manifestUnreadable);
  });

  it('a socket manifest is refused', async () => {
    await badPlugin({ 'index.mjs': 'export default {};' }, (dir) =>
      listenOn(join(dir, 'plugin.manifest.json')),
    );
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(manifestUnreadable);
  });

  it('a FIFO entry point (ESM or CommonJS) is an entry failure, never imported', async () => {
    await badPlugin(esmPlugin('bad-esm', undefined, { entryPoint: './esm.mjs' }), async (dir) => {
      await removeDir(join(dir, 'esm.mjs'));
      mkfifo(join(dir, 'esm.mjs'));
    });
    await writeFiles(folder, inFolder('cjs', cjsPlugin('bad-cjs')));
    await removeDir(join(folder, 'cjs/index.cjs'));
    mkfifo(join(folder, 'cjs/index.cjs'));
    const report = await reloadTwice();
    expect(report.failed.map((f) => [f.source, brief(f)])).toEqual([
      [join(folder, 'bad'), entryMissing],
      [join(folder, 'cjs'), entryMissing],
    ]);
  });

  it('an entry point that links to /dev/zero is refused', async () => {
    await badPlugin(cjsPlugin('bad', undefined, { entryPoint: './index.js' }), async (dir) => {
      await removeDir(join(dir, 'index.js'));
      await symlink('/dev/zero', join(dir, 'index.js'));
    });
    const report = await reloadTwice();
    expect(onlyFailure(report, 'bad')).toEqual({ stage: 'manifest', code: 'AUG_ENTRY_OUTSIDE' });
  });

  it.runIf(process.getuid?.() === 0)('a character device entry point is refused', async () => {
    await badPlugin(cjsPlugin('bad'), async (dir) => {
      await removeDir(join(dir, 'index.cjs'));
      // the same device as /dev/zero, made inside the plugin (needs root)
      execFileSync('mknod', [join(dir, 'index.cjs'), 'c', '1', '5']);
    });
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(entryMissing);
  });

  it('a source map that is a FIFO does not count as one', async () => {
    await badPlugin({}, () => undefined);
    await writeFiles(folder, inFolder('mapped', esmPlugin('mapped')));
    mkfifo(join(folder, 'mapped/index.mjs.map'));
    await removeDir(join(folder, 'bad'));
    const host = new PluginHost<Greeter>({ folder, cacheDir: join(root, 'cache'), logger: false });
    hosts.push(host);
    const report = await bounded(host.reload());
    expect(report.added).toEqual(['good', 'mapped']);
  });

  it('a FIFO package.json is refused before Node would block reading it', async () => {
    await badPlugin(cjsPlugin('bad', undefined, { entryPoint: './index.js' }), (dir) => {
      mkfifo(join(dir, 'package.json'));
    });
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(packageRefused);
  });

  it('a package.json that links to /dev/zero is refused', async () => {
    await badPlugin(esmPlugin('bad', undefined, { entryPoint: './index.js' }), async (dir) => {
      await symlink('/dev/zero', join(dir, 'package.json'));
    });
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(packageRefused);
  });

  it('a .zip that is a FIFO, or a symlink to one, is a refused archive', async () => {
    mkfifo(join(folder, 'fifo.zip'));
    mkfifo(join(root, 'target'));
    await symlink(join(root, 'target'), join(folder, 'link.zip'));
    const report = await reloadTwice();
    expect(report.failed.map((f) => [f.source, brief(f)])).toEqual([
      [join(folder, 'fifo.zip'), archiveRefused],
      [join(folder, 'link.zip'), archiveRefused],
    ]);
  });
});

describe('oversized files', () => {
  it(`a manifest over ${MAX_MANIFEST_BYTES} bytes is refused, not read`, async () => {
    const meta = { padding: 'x'.repeat(2 * 1024 * 1024) };
    await writeFiles(folder, inFolder('bad', esmPlugin('bad', undefined, { meta })));
    expect(onlyFailure(await reloadTwice(), 'bad')).toEqual(manifestUnreadable);
  });

  it('a manifest of exactly the limit is read', async () => {
    const manifest = { name: 'edge', version: '1.0.0', entryPoint: './index.mjs', meta: {} };
    const text = JSON.stringify(manifest);
    const dir = join(folder, 'edge');
    await writeFiles(dir, { 'index.mjs': 'export default {};' });
    await writeFile(join(dir, 'plugin.manifest.json'), text.padEnd(MAX_MANIFEST_BYTES, ' '));
    await expect(readManifest(dir)).resolves.toMatchObject({ name: 'edge' });
  });
});

describe.runIf(posix)('the public readers refuse special files', { timeout: 30_000 }, () => {
  it('readManifest rejects a FIFO manifest', async () => {
    mkfifo(join(root, 'plugin.manifest.json'));
    await expect(bounded(readManifest(root))).rejects.toMatchObject({
      code: 'AUG_MANIFEST_UNREADABLE',
    });
  });

  it('detectFormat rejects when the nearest package.json is a FIFO', async () => {
    await writeFile(join(root, 'index.js'), 'module.exports = 1;');
    mkfifo(join(root, 'package.json'));
    await expect(bounded(detectFormat(join(root, 'index.js')))).rejects.toMatchObject({
      code: 'AUG_LOAD_IMPORT',
    });
  });

  it('hashFile rejects a FIFO, whatever size the caller believed', async () => {
    mkfifo(join(root, 'a.zip'));
    for (const hint of [10, 500_000, undefined]) {
      await expect(bounded(hashFile(join(root, 'a.zip'), hint))).rejects.toMatchObject({
        code: 'AUG_ARCHIVE_UNREADABLE',
      });
    }
  });
});

describe.runIf(posix)('special files in a host process', { timeout: 60_000 }, () => {
  it.each<HostKind>(['esm', 'cjs'])(
    'a %s host reports a FIFO manifest and a /dev/zero entry and exits',
    async (kind) => {
      await badPlugin({ 'index.mjs': 'export default {};' }, (dir) => {
        mkfifo(join(dir, 'plugin.manifest.json'));
      });
      await writeFiles(folder, inFolder('zero', esmPlugin('zero', undefined)));
      await removeDir(join(folder, 'zero/index.mjs'));
      await symlink('/dev/zero', join(folder, 'zero/index.mjs'));
      const result = await runHost(
        root,
        `const host = new core.PluginHost({ folder: ${JSON.stringify(folder)}, cacheDir: ${JSON.stringify(join(root, 'cache'))}, logger: false });
         const report = await host.reload();
         done({ loaded: host.getAll().map((e) => e.manifest.name),
                failed: report.failed.map((f) => [path.basename(f.source), f.stage, f.code]) });
         await host.close();`,
        { kind, timeoutMs: 45_000 },
      );
      expect(result.code).toBe(0);
      expect(result.result).toEqual({
        loaded: ['good'],
        failed: [
          ['bad', 'manifest', 'AUG_MANIFEST_UNREADABLE'],
          ['zero', 'manifest', 'AUG_ENTRY_OUTSIDE'],
        ],
      });
    },
  );
});
