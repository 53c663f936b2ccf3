import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { CORE_ESM, runHost, type HostKind } from '../helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder, type PluginFiles } from '../helpers/plugins.js';
import { buildZip, MANIFEST_ENTRY } from '../helpers/zip-writer.js';

let root: string;
beforeEach(async () => {
  root = await makeTempDir('zips');
});
afterEach(async () => {
  await removeDir(root);
});

/** Writes a zip of plugin files with yazl (optionally under one top-level folder). */
async function zipTo(file: string, files: PluginFiles, top = ''): Promise<void> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    zip.addBuffer(Buffer.from(text), `${top}${name.replace(/^\.\//, '')}`);
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

describe.each<HostKind>(['esm', 'cjs'])('zip plugins in a real process (%s host)', (kind) => {
  it('load beside a directory, survive hostile zips, reuse the cache, update and remove', async () => {
    const plugins = join(root, 'plugins');
    await writeFiles(plugins, inFolder('dir', cjsPlugin('dir-plugin')));
    await zipTo(join(plugins, 'esm.zip'), esmPlugin('zip-esm'));
    await zipTo(join(plugins, 'cjs.zip'), cjsPlugin('zip-cjs'), 'zip-cjs/');
    await writeFile(
      join(plugins, 'traversal.zip'),
      buildZip({ entries: [MANIFEST_ENTRY, { name: '../../evil.js', content: 'x' }] }),
    );
    await writeFile(
      join(plugins, 'symlink.zip'),
      buildZip({
        entries: [
          MANIFEST_ENTRY,
          { name: 'link', content: '/etc/passwd', externalAttributes: (0o120777 << 16) >>> 0 },
        ],
      }),
    );
    const v2 = join(root, 'v2.zip');
    await zipTo(
      v2,
      esmPlugin('zip-esm', `export default { greet: () => 'zip-esm v2' };`, { version: '1.1.0' }),
    );

    const run = await runHost(
      root,
      `
const host = new core.PluginHost({ folder: 'plugins', cacheDir: 'cache', logger: false });
const names = (r) => r.map((s) => path.basename(s));
const first = await host.reload();
const second = await host.reload();
fs.copyFileSync(${JSON.stringify(v2)}, 'plugins/esm.zip');
const third = await host.reload();
const greeting = host.get('zip-esm').plugin.greet();
fs.rmSync('plugins/cjs.zip');
const fourth = await host.reload();
const extractions = fs.readdirSync('cache').filter((n) => /^[0-9a-f]{64}$/.test(n));
done({
  first: { added: first.added, extracted: names(first.extracted), failed: first.failed.map((f) => [path.basename(f.source), f.stage, f.code]) },
  second: { unchanged: second.unchanged, extracted: second.extracted },
  third: { updated: third.updated, extracted: names(third.extracted) },
  greeting,
  fourth: { removed: fourth.removed },
  extractions: extractions.length,
  loaded: host.getAll().map((e) => [e.manifest.name, e.origin, e.format]),
});
await host.close();`,
      { kind },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      first: {
        added: ['dir-plugin', 'zip-cjs', 'zip-esm'],
        extracted: ['cjs.zip', 'esm.zip'],
        failed: [
          ['symlink.zip', 'extract', 'AUG_ARCHIVE_UNSUPPORTED_ENTRY'],
          ['traversal.zip', 'extract', 'AUG_ARCHIVE_UNSAFE_NAME'],
        ],
      },
      second: { unchanged: ['dir-plugin', 'zip-cjs', 'zip-esm'], extracted: [] },
      third: { updated: ['zip-esm'], extracted: ['esm.zip'] },
      greeting: 'zip-esm v2',
      fourth: { removed: ['zip-cjs'] },
      extractions: 1,
      loaded: [
        ['dir-plugin', 'directory', 'cjs'],
        ['zip-esm', 'archive', 'esm'],
      ],
    });
    expect(existsSync(join(root, 'evil.js'))).toBe(false);
    expect(existsSync(join(root, '..', 'evil.js'))).toBe(false);
  });
});

it('resolves a peer dependency installed in the host from a zip plugin, with the default cacheDir', async () => {
  await writeFiles(root, {
    'node_modules/host-peer/package.json': {
      name: 'host-peer',
      version: '1.0.0',
      main: 'index.js',
    },
    'node_modules/host-peer/index.js': `module.exports = { shout: (s) => s.toUpperCase() + '!' };`,
  });
  await writeFiles(root, { 'plugins/.keep': '' });
  await zipTo(
    join(root, 'plugins', 'peer.zip'),
    esmPlugin(
      'peer-user',
      `import peer from 'host-peer';\nexport default { greet: (w) => peer.shout(w) };`,
    ),
  );
  const run = await runHost(
    root,
    `
const host = new core.PluginHost({ folder: 'plugins', logger: false });
const report = await host.reload();
done({ failed: report.failed.map((f) => f.message), greeting: host.get('peer-user')?.plugin.greet('hi'), dir: host.get('peer-user')?.dir });
await host.close();`,
  );
  expect(run.code, run.stderr).toBe(0);
  const result = run.result as { failed: string[]; greeting: string; dir: string };
  expect(result.failed).toEqual([]);
  expect(result.greeting).toBe('HI!');
  expect(result.dir.startsWith(join(root, 'node_modules', '.cache', 'augment'))).toBe(true);
});

it('recovers at the next start after the host was killed in the middle of an extraction', async () => {
  const plugins = join(root, 'plugins');
  await writeFiles(plugins, { '.keep': '' });
  // about 96 MiB of incompressible data in 96 entries: extraction takes a while
  const zip = new ZipFile();
  zip.addBuffer(
    Buffer.from(JSON.stringify({ name: 'big', version: '1.0.0', entryPoint: './index.mjs' })),
    'plugin.manifest.json',
  );
  zip.addBuffer(Buffer.from(`export default { greet: () => 'big' };`), 'index.mjs');
  for (let i = 0; i < 96; i++)
    zip.addBuffer(randomBytes(1024 * 1024), `data/blob-${String(i)}.bin`, { compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(join(plugins, 'big.zip')));

  const cache = join(root, 'cache');
  const script = join(root, 'extract.mjs');
  await writeFile(
    script,
    `import * as core from ${JSON.stringify(CORE_ESM)};
const host = new core.PluginHost({ folder: 'plugins', cacheDir: 'cache', logger: false });
await host.reload();`,
  );
  const child = spawn(process.execPath, [script], { cwd: root, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // kill it as soon as a temporary extraction folder appears
  const deadline = Date.now() + 20_000;
  let sawTemp = false;
  while (Date.now() < deadline) {
    const names = await readdir(cache).catch(() => []);
    if (names.some((n) => n.startsWith('.tmp-'))) {
      sawTemp = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGKILL');
  await exited;
  expect(sawTemp).toBe(true);
  const left = await readdir(cache);
  expect(left.some((n) => /^[0-9a-f]{64}$/.test(n))).toBe(false);

  const run = await runHost(
    root,
    `
const host = new core.PluginHost({ folder: 'plugins', cacheDir: 'cache', logger: false });
const report = await host.reload();
done({ added: report.added, extracted: report.extracted.length, left: fs.readdirSync('cache').filter((n) => n !== '.leases' && n !== '.hashes.json'), greeting: host.get('big')?.plugin.greet() });
await host.close();`,
  );
  expect(run.code, run.stderr).toBe(0);
  const result = run.result as {
    added: string[];
    extracted: number;
    left: string[];
    greeting: string;
  };
  expect(result).toMatchObject({ added: ['big'], extracted: 1, greeting: 'big' });
  // the dead process's temporary folder was swept; only the complete extraction remains
  expect(result.left).toHaveLength(1);
  expect(result.left[0]).toMatch(/^[0-9a-f]{64}$/);
});
