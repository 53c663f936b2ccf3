import { createHash } from 'node:crypto';
import { readFile, readdir, symlink, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ARCHIVE_LIMITS, extractArchive, inspectArchive } from '@augment/core';
import { build as esbuild } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, pack } from '../src/index.js';
import { createProject, makeTempDir, removeDir, runNode, writeFiles } from './helpers/project.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('pack');
});

afterEach(async () => {
  await removeDir(dir);
});

async function createPluginProject(root: string): Promise<void> {
  await createProject(root, {
    files: { 'assets/logo.svg': '<svg/>', 'assets/i18n/en.json': { hello: 'Hello' } },
  });
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The fields of each central directory header that must not vary by machine. */
function centralHeaders(zip: Buffer) {
  const end = zip.lastIndexOf('PK\x05\x06');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const headers = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    headers.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      madeBy: zip.readUInt16LE(at + 4),
      method: zip.readUInt16LE(at + 10),
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      extraLength,
      mode: zip.readUInt32LE(at + 38) >>> 16,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return headers;
}

describe('pack', () => {
  it('writes the same bytes for two builds, and for the same project in another folder', async () => {
    await createPluginProject(dir);
    const first = await build({ dir, zip: true });
    const bytes = await readFile(join(dir, 'release.zip'));
    // New mtimes everywhere: the archive must not see them.
    const later = new Date('2031-05-06T07:08:09Z');
    await utimes(join(dir, 'src/index.ts'), later, later);
    await utimes(join(dir, 'assets/logo.svg'), later, later);
    const second = await build({ dir, zip: true });
    expect(second.zip?.sha256).toBe(first.zip?.sha256);
    expect((await readFile(join(dir, 'release.zip'))).equals(bytes)).toBe(true);

    const other = await makeTempDir('pack-other');
    try {
      await createPluginProject(other);
      const elsewhere = await build({ dir: other, zip: true });
      expect(elsewhere.zip?.sha256).toBe(first.zip?.sha256);
    } finally {
      await removeDir(other);
    }
  });

  it('sorts entries, fixes times and modes, deflates files, and adds no time zone field', async () => {
    await createPluginProject(dir);
    await build({ dir, zip: true });
    const headers = centralHeaders(await readFile(join(dir, 'release.zip')));
    expect(headers.map((header) => header.name)).toEqual([
      'assets/',
      'assets/i18n/',
      'assets/i18n/en.json',
      'assets/logo.svg',
      'index.js',
      'index.js.map',
      'package.json',
      'plugin.manifest.json',
    ]);
    for (const header of headers) {
      const isDirectory = header.name.endsWith('/');
      expect(header).toMatchObject({
        madeBy: (3 << 8) | 63,
        method: isDirectory ? 0 : 8,
        time: 0,
        date: (1 << 5) | 1, // 1980-01-01
        extraLength: 0,
        mode: isDirectory ? 0o40755 : 0o100644,
      });
    }
  });

  it('writes the sha256 file in sha256sum format', async () => {
    await createPluginProject(dir);
    const result = await build({ dir, zip: true });
    const zip = result.zip!;
    expect(zip).toEqual({
      path: join(dir, 'release.zip'),
      sha256: sha256(await readFile(join(dir, 'release.zip'))),
      sha256File: join(dir, 'release.zip.sha256'),
    });
    expect(await readFile(zip.sha256File, 'utf8')).toBe(`${zip.sha256}  release.zip\n`);
  });

  it('passes inspectArchive and extracts to the same files as dist/', async () => {
    await createPluginProject(dir);
    const result = await build({ dir, zip: true, out: 'out/my-plugin.zip' });
    const zipPath = join(dir, 'out/my-plugin.zip');
    expect(result.zip?.path).toBe(zipPath);
    expect(await readFile(`${zipPath}.sha256`, 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}my-plugin\.zip\n$/u,
    );
    const listing = await inspectArchive(zipPath, DEFAULT_ARCHIVE_LIMITS);
    expect(listing.manifestRoot).toBe('');
    const target = join(dir, 'extracted');
    await extractArchive(zipPath, target, DEFAULT_ARCHIVE_LIMITS);
    for (const file of ['index.js', 'index.js.map', 'package.json', 'plugin.manifest.json']) {
      expect(
        (await readFile(join(target, file))).equals(await readFile(join(dir, 'dist', file))),
      ).toBe(true);
    }
    expect(await readFile(join(target, 'assets/logo.svg'), 'utf8')).toBe('<svg/>');
  });

  it('gives the same bytes under every time zone (child processes with TZ set)', async () => {
    await createPluginProject(dir);
    const { zip } = await build({ dir, zip: true });
    // The pack function from source, bundled for plain Node (core and fflate resolved via NODE_PATH).
    const bundle = join(dir, 'pack-bundle.cjs');
    await esbuild({
      entryPoints: [join(here, '../src/pack.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      external: ['@augment/core', 'fflate'],
      logLevel: 'silent',
    });
    const script = join(dir, 'pack-child.cjs');
    await writeFiles(dir, {
      'pack-child.cjs': `
const { pack } = require(${JSON.stringify(bundle)});
const [dist, out] = process.argv.slice(2);
pack(dist, out).then((r) => {
  const offset = new Date(1980, 0, 1).getTimezoneOffset();
  process.stdout.write('\\nRESULT ' + JSON.stringify({ sha256: r.sha256, offset }) + '\\n');
});
`,
    });
    const results: Record<string, { sha256: string; offset: number }> = {};
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kathmandu']) {
      const out = join(dir, `tz-${tz.replace('/', '-')}.zip`);
      const child = await runNode([script, join(dir, 'dist'), out], dir, {
        TZ: tz,
        NODE_PATH: join(repoRoot, 'node_modules'),
      });
      expect(child.stderr).toBe('');
      results[tz] = child.result as { sha256: string; offset: number };
      expect(sha256(await readFile(out))).toBe(results[tz].sha256);
    }
    const offsets = new Set(Object.values(results).map((r) => r.offset));
    expect(offsets.size).toBe(4);
    for (const result of Object.values(results)) expect(result.sha256).toBe(zip?.sha256);
  });

  it('refuses a folder without a manifest, a zip inside the folder, and symlinks', async () => {
    await writeFiles(dir, { 'dist/index.js': 'x' });
    await expect(pack(join(dir, 'dist'), join(dir, 'r.zip'))).rejects.toMatchObject({
      code: 'AUG_BUILD_PACK',
    });
    await writeFiles(dir, { 'dist/plugin.manifest.json': '{}' });
    await expect(pack(join(dir, 'dist'), join(dir, 'dist/r.zip'))).rejects.toMatchObject({
      code: 'AUG_BUILD_PACK',
    });
    await symlink(join(dir, 'dist/index.js'), join(dir, 'dist/link.js'));
    await expect(pack(join(dir, 'dist'), join(dir, 'r.zip'))).rejects.toMatchObject({
      code: 'AUG_BUILD_PACK',
    });
    expect((await readdir(dir)).sort()).toEqual(['dist']);
  });
});
