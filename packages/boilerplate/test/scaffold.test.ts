import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getManifestIssues, validateManifest } from '@augment/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, REPO } from './helpers/cli.js';
import { SCAFFOLD_ERROR_CODES, isScaffoldError } from '../src/errors.js';
import { checkPluginName } from '../src/name.js';
import { parseTypesPackage, resolveScaffoldOptions } from '../src/options.js';
import { TYPESCRIPT_RANGE, createPackageJson, readAugmentVersions } from '../src/package-json.js';
import { scaffold } from '../src/scaffold.js';
import type { ScaffoldOptions } from '../src/options.js';
import { TEMPLATES_DIR, fillPlaceholders, projectFileName } from '../src/templates.js';

let temp: string;
beforeEach(async () => {
  temp = await makeTempDir('scaffold');
});
afterEach(async () => {
  await removeDir(temp);
});

const readJson = async (path: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

/** Every file below `dir`, relative, with `/`, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

/** Runs `fn` and returns the ScaffoldError it throws. */
async function failure(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    if (isScaffoldError(error)) return error;
    throw error;
  }
  throw new Error('expected a ScaffoldError');
}

const workspaceVersion = async (pkg: string): Promise<string> =>
  (await readJson(join(REPO, 'packages', pkg, 'package.json'))).version as string;

describe('the standard structure', () => {
  it('writes the files of an esm project, without placeholders left', async () => {
    const dir = join(temp, 'my-plugin');
    const result = await scaffold({ dir });
    const files = [
      '.gitignore',
      'README.md',
      'package.json',
      'plugin.manifest.json',
      'src/index.ts',
      'src/types.ts',
      'test/plugin.test.mjs',
      'tsconfig.json',
    ];
    expect(result).toEqual({
      dir,
      name: 'my-plugin',
      format: 'esm',
      types: undefined,
      created: files,
      unchanged: [],
      skipped: [],
    });
    expect(await listFiles(dir)).toEqual(files);
    for (const file of files) {
      expect(await readFile(join(dir, file), 'utf8'), file).not.toMatch(/\{\{|\}\}/u);
    }
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toMatch(/^# my-plugin\n/u);
  });

  it('writes package.json with the workspace versions of core and the builder, and a pinned TypeScript', async () => {
    const dir = join(temp, 'my-plugin');
    await scaffold({ dir });
    const core = await workspaceVersion('core');
    const builder = await workspaceVersion('builder');
    expect(await readJson(join(dir, 'package.json'))).toEqual({
      name: 'my-plugin',
      version: '0.1.0',
      private: false,
      description: 'A plugin for an Augment host',
      type: 'module',
      files: ['dist'],
      engines: { node: '>=20.19' },
      scripts: {
        build: 'augment build --zip',
        watch: 'augment watch',
        typecheck: 'tsc --noEmit',
        test: 'npm run build && node --test',
        doctor: 'augment doctor',
        version: 'augment sync',
        prepublishOnly: 'npm test',
      },
      devDependencies: {
        '@augment/builder': `^${builder}`,
        '@augment/core': `^${core}`,
        '@types/node': '^20.19.0',
        typescript: '~5.9.3',
      },
    });
    expect(readAugmentVersions()).toEqual({ core, builder });
    expect(TYPESCRIPT_RANGE).toMatch(/^~5\./u);
  });

  it('writes a manifest that core accepts, with a $schema that points into core', async () => {
    const dir = join(temp, 'my-plugin');
    await scaffold({ dir });
    const manifest = await readJson(join(dir, 'plugin.manifest.json'));
    expect(manifest).toEqual({
      $schema: './node_modules/@augment/core/schema/plugin.manifest.schema.json',
      name: 'my-plugin',
      version: '0.1.0',
      entryPoint: './dist/index.js',
      meta: {},
    });
    expect(validateManifest(manifest).name).toBe('my-plugin');
    // the path below node_modules/@augment/core is a file of the core package
    const schema = (manifest.$schema as string).replace('./node_modules/@augment/core/', '');
    expect(existsSync(join(REPO, 'packages/core', schema))).toBe(true);
    const corePackage = await readJson(join(REPO, 'packages/core/package.json'));
    expect((corePackage.files as string[]).some((entry) => schema.startsWith(entry))).toBe(true);
  });

  it('writes a strict tsconfig.json with node types and no output', async () => {
    const dir = join(temp, 'my-plugin');
    await scaffold({ dir });
    const { compilerOptions, include } = await readJson(join(dir, 'tsconfig.json'));
    expect(compilerOptions).toMatchObject({
      strict: true,
      types: ['node'],
      noEmit: true,
      module: 'preserve',
      moduleResolution: 'bundler',
    });
    expect(include).toEqual(['src']);
  });

  it('makes a cjs project a "commonjs" package built with --format cjs', async () => {
    const dir = join(temp, 'cjs-plugin');
    const result = await scaffold({ dir, format: 'cjs' });
    expect(result.format).toBe('cjs');
    const pkg = await readJson(join(dir, 'package.json'));
    expect(pkg.type).toBe('commonjs');
    expect(pkg.scripts).toMatchObject({
      build: 'augment build --zip --format cjs',
      watch: 'augment watch --format cjs',
    });
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('a CommonJS module (`cjs`)');
  });

  it('renames the dotfiles stored with a leading "_"', async () => {
    const dir = join(temp, 'my-plugin');
    await scaffold({ dir });
    expect(existsSync(join(dir, '_gitignore'))).toBe(false);
    const ignored = (await readFile(join(dir, '.gitignore'), 'utf8')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules/', 'dist/', 'release.zip']));
    expect(projectFileName('_gitignore')).toBe('.gitignore');
    expect(projectFileName('README.md')).toBe('README.md');
  });

  it('writes package.json, never copies it: no template holds one', async () => {
    const templates = await listFiles(TEMPLATES_DIR);
    expect(templates.filter((path) => path.endsWith('package.json'))).toEqual([]);
    expect(templates.some((path) => path.endsWith('/_gitignore'))).toBe(true);
    expect(templates.some((path) => /(^|\/)\.[^/]+$/u.test(path))).toBe(false);
    const options = resolveScaffoldOptions({ dir: join(temp, 'x'), format: 'cjs' });
    const dir = join(temp, 'x');
    await scaffold({ dir, format: 'cjs' });
    expect(await readJson(join(dir, 'package.json'))).toEqual(
      createPackageJson(options, readAugmentVersions()),
    );
  });

  it('keeps the tsconfig.json of the two source templates identical', async () => {
    const greeter = await readFile(join(TEMPLATES_DIR, 'greeter/tsconfig.json'), 'utf8');
    const hostTypes = await readFile(join(TEMPLATES_DIR, 'host-types/tsconfig.json'), 'utf8');
    expect(hostTypes).toBe(greeter);
  });

  it('fills known placeholders only', () => {
    expect(fillPlaceholders('{{name}} {{other}} {name}', { name: 'x' })).toBe('x {{other}} {name}');
  });
});

describe('--types', () => {
  it('adds the host types package as a peer (and dev) dependency and drops src/types.ts', async () => {
    const dir = join(temp, 'typed');
    const result = await scaffold({ dir, types: 'my-app-types@^2.0.0' });
    expect(result.types).toEqual({ name: 'my-app-types', range: '^2.0.0' });
    expect(result.created).not.toContain('src/types.ts');
    expect(existsSync(join(dir, 'src/types.ts'))).toBe(false);
    const pkg = await readJson(join(dir, 'package.json'));
    expect(pkg.peerDependencies).toEqual({ 'my-app-types': '^2.0.0' });
    expect(pkg.devDependencies).toMatchObject({ 'my-app-types': '^2.0.0' });
    expect(Object.keys(pkg.devDependencies as object)).toEqual(
      Object.keys(pkg.devDependencies as object).sort(),
    );
    const index = await readFile(join(dir, 'src/index.ts'), 'utf8');
    expect(index).toContain("import type { Plugin } from 'my-app-types';");
    expect(index).not.toContain('./types.js');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain(
      '`Plugin` from `my-app-types`',
    );
  });

  it('has no peer dependencies without it', async () => {
    const dir = join(temp, 'plain');
    await scaffold({ dir, types: '' });
    expect(await readJson(join(dir, 'package.json'))).not.toHaveProperty('peerDependencies');
    expect(await readFile(join(dir, 'src/index.ts'), 'utf8')).toContain(
      "import type { Greeter } from './types.js';",
    );
  });

  it('splits name@range, scoped names included; the range defaults to *', () => {
    expect(parseTypesPackage('app-types')).toEqual({ name: 'app-types', range: '*' });
    expect(parseTypesPackage('@acme/app-types')).toEqual({ name: '@acme/app-types', range: '*' });
    expect(parseTypesPackage('@acme/app-types@>=2 <4')).toEqual({
      name: '@acme/app-types',
      range: '>=2 <4',
    });
    expect(parseTypesPackage('app-types@')).toEqual({ name: 'app-types', range: '*' });
  });

  it('refuses an invalid package name', async () => {
    const error = await failure(() => scaffold({ dir: join(temp, 'x'), types: 'App Types' }));
    expect(error.code).toBe(SCAFFOLD_ERROR_CODES.NAME_INVALID);
    expect(existsSync(join(temp, 'x'))).toBe(false);
  });
});

describe('names', () => {
  it('defaults the name to the folder name', async () => {
    expect((await scaffold({ dir: join(temp, 'hello.world_2') })).name).toBe('hello.world_2');
  });

  it('takes --name, scoped names included', async () => {
    const dir = join(temp, 'reports');
    await scaffold({ dir, name: '@acme/reports' });
    expect((await readJson(join(dir, 'package.json'))).name).toBe('@acme/reports');
    expect((await readJson(join(dir, 'plugin.manifest.json'))).name).toBe('@acme/reports');
  });

  it.each([
    ['My-Plugin', 'must be lower-case'],
    ['_private', 'must not start with "." or "_"'],
    ['a b', 'npm-style package name'],
    ['x'.repeat(215), 'at most 214 characters'],
    ['@acme/', 'npm-style package name'],
  ])('refuses the name %j before writing anything, with the reason', async (name, reason) => {
    const dir = join(temp, 'plugin');
    const error = await failure(() => scaffold({ dir, name }));
    expect(error.code).toBe(SCAFFOLD_ERROR_CODES.NAME_INVALID);
    expect(error.message).toContain(reason);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a folder whose name is not a valid name when no --name is given', async () => {
    const error = await failure(() => scaffold({ dir: join(temp, 'My Plugin') }));
    expect(error.code).toBe(SCAFFOLD_ERROR_CODES.NAME_INVALID);
    expect(error.message).toContain('--name');
    await scaffold({ dir: join(temp, 'My Plugin'), name: 'my-plugin' });
  });

  it("agrees with core's manifest rule on any string", () => {
    const coreAccepts = (name: string): boolean => {
      try {
        validateManifest({ name, version: '0.1.0', entryPoint: './dist/index.js' });
        return true;
      } catch (error) {
        return getManifestIssues(error).length === 0;
      }
    };
    const names = fc.oneof(
      fc.string(),
      fc.stringMatching(/^(@[a-z0-9-]{1,5}\/)?[a-zA-Z0-9._~ -]{1,12}$/u),
    );
    fc.assert(
      fc.property(names, (name) => {
        expect(checkPluginName(name).length === 0).toBe(coreAccepts(name));
      }),
      { numRuns: 500 },
    );
  });
});

describe('a folder that is not empty', () => {
  it('is refused without --force, leaving its files alone', async () => {
    const dir = join(temp, 'taken');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const error = await failure(() => scaffold({ dir }));
    expect(error.code).toBe(SCAFFOLD_ERROR_CODES.NOT_EMPTY);
    expect(error.message).toContain('notes.txt');
    expect(error.message).toContain('--force');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('counts a folder holding only .git as empty', async () => {
    const dir = join(temp, 'repo');
    await mkdir(join(dir, '.git'), { recursive: true });
    expect((await scaffold({ dir })).created).toContain('package.json');
  });

  it('refuses a path that is a file', async () => {
    const file = join(temp, 'file');
    await writeFile(file, 'x');
    expect((await failure(() => scaffold({ dir: file }))).code).toBe(
      SCAFFOLD_ERROR_CODES.NOT_A_FOLDER,
    );
  });

  it('with --force, adds the missing files and keeps every existing one', async () => {
    const dir = join(temp, 'existing');
    await scaffold({ dir: join(temp, 'reference'), name: 'existing' });
    const template = (path: string): Promise<string> =>
      readFile(join(temp, 'reference', path), 'utf8');
    await mkdir(join(dir, 'src'), { recursive: true });
    await mkdir(join(dir, 'test'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{ "name": "mine" }\n');
    await writeFile(join(dir, 'src/index.ts'), 'export default 42;\n');
    await writeFile(join(dir, '.gitignore'), await template('.gitignore'));
    await writeFile(join(dir, 'elsewhere.txt'), 'target of the link');
    await symlink(join(dir, 'elsewhere.txt'), join(dir, 'README.md'));
    await writeFile(join(dir, 'tsconfig.json'), await template('tsconfig.json'));
    await mkdir(join(dir, 'plugin.manifest.json')); // a folder where a file goes
    await writeFile(join(dir, 'test/plugin.test.mjs'), '// my test\n');

    const result = await scaffold({ dir, force: true });
    expect(result.created).toEqual(['src/types.ts']);
    expect(result.unchanged).toEqual(['.gitignore', 'tsconfig.json']);
    expect(result.skipped).toEqual([
      'README.md',
      'package.json',
      'plugin.manifest.json',
      'src/index.ts',
      'test/plugin.test.mjs',
    ]);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{ "name": "mine" }\n');
    expect(await readFile(join(dir, 'src/index.ts'), 'utf8')).toBe('export default 42;\n');
    expect(await readFile(join(dir, 'elsewhere.txt'), 'utf8')).toBe('target of the link');
    expect(await readFile(join(dir, 'test/plugin.test.mjs'), 'utf8')).toBe('// my test\n');
    expect(await readFile(join(dir, 'src/types.ts'), 'utf8')).toBe(await template('src/types.ts'));
  });

  it('with --force, skips the files below a path that is a file', async () => {
    const dir = join(temp, 'blocked');
    await mkdir(dir);
    await writeFile(join(dir, 'src'), 'a file where the src/ folder goes');
    const result = await scaffold({ dir, force: true });
    expect(result.skipped).toEqual(['src/index.ts', 'src/types.ts']);
    expect(result.created).toContain('package.json');
    expect((await stat(join(dir, 'src'))).isFile()).toBe(true);
  });

  it('with --force, an empty or missing folder gets every file', async () => {
    const result = await scaffold({ dir: join(temp, 'new'), force: true });
    expect(result.created).toHaveLength(8);
    expect(result.skipped).toEqual([]);
  });
});

describe('options', () => {
  it.each<[string, unknown]>([
    ['an unknown key', { dir: 'x', template: 'react' }],
    ['a format other than esm and cjs', { dir: 'x', format: 'umd' }],
    ['a non-boolean force', { dir: 'x', force: 'yes' }],
    ['a missing dir', { name: 'x' }],
    ['a non-string name', { dir: 'x', name: 42 }],
    ['no object', undefined],
  ])('refuses %s', async (_, options) => {
    const error = await failure(() => scaffold(options as ScaffoldOptions));
    expect(error.code).toBe(SCAFFOLD_ERROR_CODES.OPTIONS_INVALID);
  });

  it('resolves the defaults into a frozen object', () => {
    const resolved = resolveScaffoldOptions({ dir: 'some/where/my-plugin' });
    expect(resolved).toMatchObject({ name: 'my-plugin', format: 'esm', force: false });
    expect(resolved.types).toBeUndefined();
    expect(Object.isFrozen(resolved)).toBe(true);
  });
});
