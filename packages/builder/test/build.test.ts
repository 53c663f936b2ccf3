import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AugmentError, isAugmentError } from '@augment/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_ERROR_CODES,
  BuildError,
  build,
  createBuildContext,
  isBuildError,
  nodeTarget,
} from '../src/index.js';
import {
  CJS_DEP,
  ESM_DEP,
  PEER_DEP,
  createProject,
  makeTempDir,
  removeDir,
  writeFiles,
} from './helpers/project.js';

let dir: string;

beforeEach(async () => {
  dir = await makeTempDir('build');
});

afterEach(async () => {
  await removeDir(dir);
});

/** The rejection of `promise`, which must be a BuildError. */
async function buildErrorOf(promise: Promise<unknown>): Promise<BuildError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBuildError(error)) throw new Error(`expected a BuildError, got ${String(error)}`);
  return error;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

const DEPS_INDEX = `
import { joinName, hasDir } from 'cjs-dep';
import { shout } from 'esm-dep';
import { PEER_MARKER } from 'host-api';
import { EXTRA_MARKER } from 'host-api/extra.js';

export default {
  run(): string[] {
    return [joinName('a', 'b'), String(hasDir()), shout('hi'), typeof PEER_MARKER, typeof EXTRA_MARKER];
  },
};
`;

async function createDepsProject(): Promise<void> {
  await createProject(dir, {
    index: DEPS_INDEX,
    packageJson: {
      dependencies: { 'cjs-dep': '1.0.0', 'esm-dep': '1.0.0' },
      peerDependencies: { 'host-api': '^1.0.0' },
      engines: { node: '>=22' },
    },
    files: { ...CJS_DEP, ...ESM_DEP, ...PEER_DEP },
  });
}

interface RunnablePlugin {
  run(): string[];
}

async function importPlugin(entry: string): Promise<RunnablePlugin> {
  const mod = (await import(pathToFileURL(entry).href)) as { default: RunnablePlugin };
  return mod.default;
}

describe('build: output', () => {
  it('bundles ESM: dependencies inside, the peer external, CJS deps may require builtins', async () => {
    await createDepsProject();
    const result = await build({ dir });
    expect(result).toMatchObject({
      dir,
      distDir: join(dir, 'dist'),
      entry: join(dir, 'dist/index.js'),
      format: 'esm',
      typecheck: 'unavailable',
      warnings: [],
    });
    expect(result.manifest).toMatchObject({ name: 'hello-plugin', entryPoint: './index.js' });
    expect(result.zip).toBeUndefined();
    expect(result.durationMs).toBeGreaterThan(0);

    const code = await readFile(result.entry, 'utf8');
    expect(code).toMatch(/from "host-api"/u);
    expect(code).toMatch(/from "host-api\/extra\.js"/u);
    expect(code).not.toContain('peer code was bundled');
    expect(code).not.toContain('peer subpath was bundled');
    expect(code).toContain('toUpperCase');
    expect(await readJson(join(dir, 'dist/package.json'))).toEqual({
      name: 'hello-plugin',
      version: '1.2.3',
      private: true,
      type: 'module',
    });
    const plugin = await importPlugin(result.entry);
    expect(plugin.run()).toEqual(['a/b', 'true', 'HI!', 'string', 'string']);
  });

  it('bundles CJS with package.json type commonjs; the peer stays a require()', async () => {
    await createDepsProject();
    const result = await build({ dir, format: 'cjs' });
    expect(result.format).toBe('cjs');
    const code = await readFile(result.entry, 'utf8');
    expect(code).toContain('require("host-api")');
    expect(code).toContain('require("host-api/extra.js")');
    expect(code).not.toContain('peer code was bundled');
    expect((await readJson(join(dir, 'dist/package.json')))['type']).toBe('commonjs');
    const plugin = await importPlugin(result.entry);
    expect(plugin.run()).toEqual(['a/b', 'true', 'HI!', 'string', 'string']);
  });

  it("keeps the plugin's own top-level require and __dirname in ESM output", async () => {
    await createProject(dir, {
      index: `
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const __dirname = dirname(fileURLToPath(import.meta.url));
export default { run: (): string[] => [typeof require('node:os').platform, __dirname] };
`,
    });
    const esm = await importPlugin((await build({ dir })).entry);
    expect(esm.run()).toEqual(['function', join(dir, 'dist')]);
  });

  it('gives import.meta.url a value in CJS output', async () => {
    await createProject(dir, {
      index: `
import { fileURLToPath } from 'node:url';
export default { run: (): string[] => [fileURLToPath(new URL('.', import.meta.url))] };
`,
    });
    const cjs = await build({ dir, format: 'cjs' });
    expect(cjs.warnings).toEqual([]);
    expect((await importPlugin(cjs.entry)).run()).toEqual([`${join(dir, 'dist')}/`]);
  });

  it('copies the manifest with entryPoint rewritten, keeping its other keys in order', async () => {
    const manifest = {
      $schema: 'x',
      name: 'hello-plugin',
      version: '1.2.3',
      entryPoint: './dist/index.js',
      meta: { kind: 'greeter', priority: 10 },
      engines: { host: '^1.0.0' },
    };
    await createProject(dir, { manifest });
    await build({ dir });
    const text = await readFile(join(dir, 'dist/plugin.manifest.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ ...manifest, entryPoint: './index.js' });
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(manifest));
    // The project's own manifest is not touched.
    expect(await readJson(join(dir, 'plugin.manifest.json'))).toEqual(manifest);
  });

  it('copies assets/ into dist/assets/', async () => {
    await createProject(dir, {
      files: { 'assets/logo.svg': '<svg/>', 'assets/i18n/en.json': { hello: 'Hello' } },
    });
    await build({ dir });
    expect(await readFile(join(dir, 'dist/assets/logo.svg'), 'utf8')).toBe('<svg/>');
    expect(await readJson(join(dir, 'dist/assets/i18n/en.json'))).toEqual({ hello: 'Hello' });
  });

  it('writes a linked source map naming its sources by plugin, with their content', async () => {
    await createProject(dir, {
      index: "import { twice } from './math';\nexport default { run: () => twice(2) };\n",
      files: { 'src/math.ts': 'export function twice(n: number): number {\n  return n * 2;\n}\n' },
    });
    const result = await build({ dir });
    const code = await readFile(result.entry, 'utf8');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    const map = await readJson(join(dir, 'dist/index.js.map'));
    expect(map['sources']).toEqual([
      'augment-plugin:///hello-plugin@1.2.3/src/math.ts',
      'augment-plugin:///hello-plugin@1.2.3/src/index.ts',
    ]);
    expect(map['sourcesContent']).toEqual([
      await readFile(join(dir, 'src/math.ts'), 'utf8'),
      await readFile(join(dir, 'src/index.ts'), 'utf8'),
    ]);
  });

  it('can leave the source map out for benchmarks', async () => {
    await createProject(dir);
    await build({ dir, sourcemap: false });
    expect(existsSync(join(dir, 'dist/index.js.map'))).toBe(false);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('builds a project without package.json, dependencies or engines', async () => {
    await createProject(dir);
    await removeDir(join(dir, 'package.json'));
    const result = await build({ dir });
    const plugin = (await import(pathToFileURL(result.entry).href)) as {
      default: { greet(who: string): string };
    };
    expect(plugin.default.greet('you')).toBe('hello you');
  });

  it('replaces an older dist/ completely and leaves no staging folder', async () => {
    await createProject(dir, { files: { 'dist/stale.js': 'old' } });
    await build({ dir });
    expect(existsSync(join(dir, 'dist/stale.js'))).toBe(false);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('build: failures write nothing', () => {
  it('lists every manifest problem and creates no dist/', async () => {
    await createProject(dir, {
      manifest: { name: 'Bad Name', version: 'v1', entryPoint: '../outside.js' },
    });
    const error = await buildErrorOf(build({ dir }));
    expect(error.code).toBe('AUG_BUILD_MANIFEST_INVALID');
    expect(error.details).toHaveLength(3);
    expect(error.details.join('\n')).toMatch(/plugin\.manifest\.json:\d+:\d+: name: /u);
    expect(error.details.join('\n')).toMatch(/plugin\.manifest\.json:\d+:\d+: version: /u);
    expect(error.details.join('\n')).toMatch(/plugin\.manifest\.json:\d+:\d+: entryPoint: /u);
    for (const detail of error.details) expect(error.message).toContain(detail);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('reports a manifest JSON syntax error with its line and column', async () => {
    await createProject(dir, { manifest: '{\n  "name": "x",\n  oops\n}\n' });
    const error = await buildErrorOf(build({ dir }));
    expect(error.code).toBe('AUG_BUILD_MANIFEST_INVALID');
    expect(error.details[0]).toMatch(/^plugin\.manifest\.json:3:\d+: /u);
  });

  it('names the missing manifest and the missing src/index.ts', async () => {
    await createProject(dir, { manifest: null });
    const noManifest = await buildErrorOf(build({ dir }));
    expect(noManifest.code).toBe('AUG_BUILD_NO_MANIFEST');
    expect(noManifest.message).toContain(join(dir, 'plugin.manifest.json'));

    await createProject(dir);
    await removeDir(join(dir, 'src/index.ts'));
    const noEntry = await buildErrorOf(build({ dir }));
    expect(noEntry.code).toBe('AUG_BUILD_NO_ENTRY');
    expect(noEntry.message).toContain(join(dir, 'src', 'index.ts'));
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('reports esbuild errors as file:line:col and leaves the previous dist/ as it was', async () => {
    await createProject(dir);
    await build({ dir });
    const before = await readFile(join(dir, 'dist/index.js'), 'utf8');
    await writeFiles(dir, {
      'src/index.ts': "import missing from './nowhere';\nexport default {\n  greet( {\n};\n",
    });
    const error = await buildErrorOf(build({ dir, typecheck: false }));
    expect(error.code).toBe('AUG_BUILD_COMPILE');
    expect(error.details[0]).toMatch(/^src\/index\.ts:4:\d+: /u);
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toBe(before);
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reports an unresolvable import with its location', async () => {
    await createProject(dir, { index: "import x from 'not-installed';\nexport default x;\n" });
    const error = await buildErrorOf(build({ dir }));
    expect(error.code).toBe('AUG_BUILD_COMPILE');
    expect(error.details[0]).toMatch(/^src\/index\.ts:1:15: Could not resolve "not-installed"/u);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('rejects unknown or ill-typed options', async () => {
    const unknown = await buildErrorOf(build({ dir, mangle: true } as never));
    expect(unknown.code).toBe('AUG_BUILD_OPTIONS_INVALID');
    expect(unknown.message).toContain('mangle');
    const minify = await buildErrorOf(build({ dir, minify: 'yes' } as never));
    expect(minify.code).toBe('AUG_BUILD_OPTIONS_INVALID');
    const wrong = await buildErrorOf(build({ dir, format: 'umd' } as never));
    expect(wrong.code).toBe('AUG_BUILD_OPTIONS_INVALID');
  });
});

describe('createBuildContext', () => {
  it('rebuilds incrementally, survives a failed rebuild, and disposes once', async () => {
    await createProject(dir, { index: 'export default { n: 1 };\n' });
    const context = await createBuildContext({ dir });
    try {
      const first = await context.rebuild();
      expect(first.typecheck).toBe('skipped');
      expect(await readFile(first.entry, 'utf8')).toContain('n: 1');
      await writeFiles(dir, { 'src/index.ts': 'export default { n: 2 ;\n' });
      expect((await buildErrorOf(context.rebuild())).code).toBe('AUG_BUILD_COMPILE');
      expect(await readFile(first.entry, 'utf8')).toContain('n: 1');
      await writeFiles(dir, { 'src/index.ts': 'export default { n: 3 };\n' });
      await writeFiles(dir, {
        'package.json': { name: 'hello-plugin', version: '1.2.3', engines: { node: '>=22' } },
      });
      const third = await context.rebuild();
      expect(await readFile(third.entry, 'utf8')).toContain('n: 3');
    } finally {
      await context.dispose();
      await context.dispose();
    }
  });
});

describe('errors and targets', () => {
  it('pins the list of codes', () => {
    expect(Object.values(BUILD_ERROR_CODES)).toEqual([
      'AUG_BUILD_OPTIONS_INVALID',
      'AUG_BUILD_NO_MANIFEST',
      'AUG_BUILD_MANIFEST_INVALID',
      'AUG_BUILD_NO_ENTRY',
      'AUG_BUILD_COMPILE',
      'AUG_BUILD_TYPECHECK',
      'AUG_BUILD_OUTPUT_INVALID',
      'AUG_BUILD_PACK',
      'AUG_BUILD_VALIDATE',
      'AUG_BUILD_SYNC',
      'AUG_BUILD_LINK_FOLDER',
      'AUG_BUILD_LINK_TAKEN',
      'AUG_BUILD_LINK_NO_DIST',
      'AUG_BUILD_LINK_FAILED',
    ]);
  });

  it('makes BuildError an AugmentError with details', () => {
    const error = new BuildError('AUG_BUILD_PACK', 'x', { details: ['a:1:2: b'] });
    expect(error).toBeInstanceOf(AugmentError);
    expect(isAugmentError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'BuildError',
      code: 'AUG_BUILD_PACK',
      details: ['a:1:2: b'],
    });
  });

  it.each([
    ['>=22', 'node22'],
    ['^20.19.0', 'node20.19.0'],
    ['>=20.19 <23', 'node20.19'],
    ['18.x || >=20', 'node18'],
    ['~21.1', 'node21.1'],
    ['20 - 22', 'node20'],
    ['>=20 >=22.3', 'node22.3'],
    ['*', 'node20'],
    ['<22', 'node20'],
    ['latest', 'node20'],
  ])('targets engines.node %s as %s', (range, target) => {
    expect(nodeTarget(range)).toBe(target);
  });

  it('reads the esbuild target from engines.node', async () => {
    await createProject(dir, {
      index: 'export default { ok: 1 ?? 2 };\n',
      packageJson: { engines: { node: '>=12' } },
    });
    await writeFile(
      join(dir, 'src/index.ts'),
      'const a: { b?: number } = {};\nexport default a?.b ?? 0;\n',
    );
    const old = await readFile((await build({ dir })).entry, 'utf8');
    expect(old).not.toContain('?.');
    await writeFiles(dir, {
      'package.json': { name: 'hello-plugin', version: '1.2.3', engines: { node: '>=22' } },
    });
    const modern = await readFile((await build({ dir })).entry, 'utf8');
    expect(modern).toContain('?.');
  });
});
