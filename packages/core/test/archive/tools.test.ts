// A plugin folder zipped by the tools plugin authors and their CI use loads
// through PluginHost: not only `augment build --zip`. Archives are made here
// with each tool found on the PATH and with each npm library; the committed
// fixtures (test/fixtures/archives) cover the tools a machine lacks.

import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginHost } from '../../src/index.js';
import {
  DEFLATE64_MAKER,
  LIBRARY_MAKERS,
  SYSTEM_MAKERS,
  has,
  listFolder,
} from '../helpers/archive-tools.js';
import { finderZip } from '../helpers/finder-zip.js';
import { buildZip } from '../helpers/zip-writer.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

interface Greeter {
  greet(who: string): string;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'archives');
/** Compresses well, so every tool deflates it; its name is not ASCII. */
const ASSET = 'Bonjour, café ! '.repeat(40);
/** What every extraction holds, names NFC-normalized: no `.DS_Store`, no `__MACOSX/`. */
const EXTRACTED = ['assets/', 'assets/café.txt', 'dist/', 'dist/index.js', 'plugin.manifest.json'];

/** A plugin's files as an author's folder holds them on a Mac. */
function pluginFiles(name: string): Record<string, string> {
  return {
    'plugin.manifest.json': JSON.stringify(
      { name, version: '1.0.0', entryPoint: './dist/index.js' },
      null,
      2,
    ),
    'dist/index.js': `export default { greet: (who) => ${JSON.stringify(`${name} greets `)} + who };\n`,
    'assets/café.txt': ASSET,
    '.DS_Store': '\u0000\u0000\u0000\u0001Bud1',
  };
}

let root: string;
let folder: string;
const hosts: PluginHost<Greeter>[] = [];

beforeEach(async () => {
  root = await makeTempDir('archive-tools');
  folder = join(root, 'plugins');
  await mkdir(folder);
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await removeDir(root);
});

function makeHost(): PluginHost<Greeter> {
  const host = new PluginHost<Greeter>({ folder, cacheDir: join(root, 'cache'), logger: false });
  hosts.push(host);
  return host;
}

/** Loads the archives in the plugin folder; each named plugin greets and holds its files. */
async function expectLoaded(names: readonly string[]): Promise<void> {
  const host = makeHost();
  const report = await host.reload();
  expect(report.failed.map((failure) => failure.message)).toEqual([]);
  expect(report.added).toEqual([...names].sort());
  for (const name of names) {
    const loaded = host.get(name);
    if (loaded === undefined) throw new Error(`${name} did not load`);
    expect(loaded.plugin.greet('you')).toBe(`${name} greets you`);
    const files = (await listFolder(loaded.dir))
      .map((path) => path.normalize('NFC'))
      .filter((path) => !path.startsWith('META-INF/')); // jar's own
    expect(files).toEqual(EXTRACTED);
    const asset = (await readdir(join(loaded.dir, 'assets')))[0] ?? '';
    expect(await readFile(join(loaded.dir, 'assets', asset), 'utf8')).toBe(ASSET);
  }
}

/** One archive in the folder, refused for its Deflate64 entries with how to re-zip. */
async function expectDeflate64Refused(): Promise<void> {
  const report = await makeHost().reload();
  expect(report.added).toEqual([]);
  const [refused] = report.failed;
  expect(refused?.code).toBe('AUG_ARCHIVE_UNSUPPORTED_ENTRY');
  expect(refused?.message).toContain('Deflate64');
  expect(refused?.message).toContain('augment build --zip');
  expect(refused?.message).toContain('-mm=Deflate');
}

/** A plugin folder named `name` with the files of {@link pluginFiles}. */
async function authorFolder(name: string): Promise<string> {
  const dir = join(root, 'src', name);
  await writeFiles(dir, pluginFiles(name));
  return dir;
}

describe('an archive made by a system tool loads', () => {
  // a tool missing here is covered by its committed fixture (below)
  for (const [label, { command, make }] of Object.entries(SYSTEM_MAKERS)) {
    it.skipIf(!has(command))(label, async () => {
      const name = `from-${command}`;
      await make(await authorFolder(name), join(folder, `${name}.zip`));
      await expectLoaded([name]);
    });
  }
});

describe('an archive made by an npm library loads', () => {
  it.each(Object.entries(LIBRARY_MAKERS))('%s', async (label, make) => {
    const name = `from-${label.toLowerCase()}`;
    await make(await authorFolder(name), join(folder, `${name}.zip`));
    await expectLoaded([name]);
  });
});

describe('a UTF-8 name without the UTF-8 flag (Info-ZIP on Unix, Finder)', () => {
  it('extracts under its UTF-8 name, not code page 437 mojibake', async () => {
    const files = pluginFiles('from-utf8');
    const entries = Object.entries(files)
      .filter(([path]) => path !== '.DS_Store')
      .map(([path, content]) => ({ name: Buffer.from(path), flags: 0, content }));
    await writeFile(join(folder, 'utf8.zip'), buildZip({ entries }));
    await expectLoaded(['from-utf8']);
  });
});

/** A Finder-style archive of the plugin `name` (finderZip adds `.DS_Store` itself). */
function finderPlugin(name: string): Buffer {
  const files = Object.entries(pluginFiles(name)).filter(([path]) => path !== '.DS_Store');
  return finderZip(name, Object.fromEntries(files));
}

describe("macOS Finder's Compress", () => {
  it('loads: the top folder is the plugin; __MACOSX/ and .DS_Store are not extracted', async () => {
    await writeFile(join(folder, 'from-finder.zip'), finderPlugin('from-finder'));
    await expectLoaded(['from-finder']);
  });

  it('is what the committed fixture finder.zip holds', async () => {
    const bytes = finderPlugin('fixture-finder');
    const fixture = join(FIXTURES, 'finder.zip');
    // UPDATE_ARCHIVE_FIXTURES=1 npx vitest run packages/core/test/archive/tools.test.ts
    if (process.env['UPDATE_ARCHIVE_FIXTURES'] === '1') await writeFile(fixture, bytes);
    expect((await readFile(fixture)).equals(bytes)).toBe(true);
  });
});

describe('the committed fixtures (one per tool, for machines without it)', () => {
  it('load', async () => {
    const fixtures = (await readdir(FIXTURES)).filter((name) => name.endsWith('.zip'));
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const fixture of fixtures) await copyFile(join(FIXTURES, fixture), join(folder, fixture));
    await expectLoaded(fixtures.map((name) => `fixture-${name.slice(0, -4)}`));
  });

  it('deflate64.zip (7z -mm=Deflate64) is refused, naming Deflate64 and how to re-zip', async () => {
    const zip = join(FIXTURES, 'refused', 'deflate64.zip');
    await copyFile(zip, join(folder, 'deflate64.zip'));
    await expectDeflate64Refused();
  });
});

describe('7-Zip with -mm=Deflate64', () => {
  it.skipIf(!has(DEFLATE64_MAKER.command))(
    'is refused, naming Deflate64 and how to re-zip',
    async () => {
      await DEFLATE64_MAKER.make(await authorFolder('from-deflate64'), join(folder, 'd64.zip'));
      await expectDeflate64Refused();
    },
  );
});
