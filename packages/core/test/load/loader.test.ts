import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAugmentError } from '../../src/errors.js';
import { isInsideDir } from '../../src/load/cjs-cache.js';
import {
  buildFreshQuery,
  buildHookModuleSource,
  rewriteResolved,
} from '../../src/load/esm-hooks.js';
import { getLoaderState } from '../../src/load/loader-state.js';
import { loadModule, releaseModule, type LoadModuleOptions } from '../../src/load/loader.js';
import type { ModuleFormat } from '../../src/types.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';
import { WAIT, WAIT_MS, markerCount, markerSource, nextTurn } from '../helpers/wait.js';

let root: string;
let counter = 0;
const warnings: Error[] = [];
const unhandled: unknown[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  root = await realpath(await makeTempDir('loader'));
  process.on('warning', onWarning);
  process.on('unhandledRejection', onUnhandled);
});

afterEach(() => {
  // Any warning or unhandled rejection caused by the loader is a bug.
  const seen = { warnings: warnings.splice(0), unhandled: unhandled.splice(0) };
  expect(seen).toEqual({ warnings: [], unhandled: [] });
});

afterAll(async () => {
  process.off('warning', onWarning);
  process.off('unhandledRejection', onUnhandled);
  await removeDir(root);
});

/** Writes a plugin into a new directory below the temp root; returns the directory. */
async function plugin(files: Record<string, string | object>): Promise<string> {
  const dir = join(root, `plugin-${++counter}`);
  await writeFiles(dir, files);
  return dir;
}

/** Loads `entry` of the plugin in `dir`. */
function load(
  dir: string,
  entry: string,
  format: ModuleFormat,
  extra: Partial<LoadModuleOptions> = {},
): Promise<unknown> {
  return loadModule({
    entryPath: join(dir, entry),
    dir,
    format,
    timeoutMs: WAIT_MS,
    ...extra,
  }).then((loaded) => loaded.value);
}

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a rejection');
}

const ESBUILD_DEFAULT_EXPORT = `var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);
var stdin_exports = {};
__export(stdin_exports, {
  default: () => stdin_default
});
module.exports = __toCommonJS(stdin_exports);
var stdin_default = { name: "esbuilt" };
`;

describe('hook registration', () => {
  it('registers nothing until an ES module plugin is imported a second time', async () => {
    const state = getLoaderState();
    expect(state.hookProtocols.size).toBe(0);
    const esm = await plugin({ 'index.mjs': 'export default 1;' });
    const cjs = await plugin({ 'index.cjs': 'module.exports = 1;' });
    await load(esm, 'index.mjs', 'esm');
    await load(cjs, 'index.cjs', 'cjs');
    await load(cjs, 'index.cjs', 'cjs');
    expect(state.hookProtocols.size).toBe(0);

    await load(esm, 'index.mjs', 'esm');
    expect([...state.hookProtocols]).toEqual([1]);
  });

  it('registers at most once per process', async () => {
    const api = Module as unknown as Record<string, unknown>;
    const calls: string[] = [];
    const originals = { register: api['register'], registerHooks: api['registerHooks'] };
    api['register'] = () => calls.push('register');
    if (originals.registerHooks !== undefined) api['registerHooks'] = () => calls.push('hooks');
    try {
      const dir = await plugin({ 'index.mjs': 'export default 1;' });
      for (let i = 0; i < 3; i++) await load(dir, 'index.mjs', 'esm');
      expect(calls).toEqual([]);
    } finally {
      Object.assign(api, originals);
    }
  });

  it('keeps its state on globalThis, shared by every copy of the package', () => {
    const shared = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('augment.loader')];
    expect(shared).toBe(getLoaderState());
  });
});

describe('loadModule: the plugin value', () => {
  it('returns the default export of an ES module', async () => {
    const dir = await plugin({
      'index.mjs': "export default { name: 'esm' }; export const x = 1;",
    });
    expect(await load(dir, 'index.mjs', 'esm')).toEqual({ name: 'esm' });
  });

  it('returns the namespace of an ES module without default export', async () => {
    const dir = await plugin({ 'index.mjs': 'export const a = 1; export function b() {}' });
    const value = (await load(dir, 'index.mjs', 'esm')) as Record<string, unknown>;
    expect(Object.prototype.toString.call(value)).toBe('[object Module]');
    expect(value['a']).toBe(1);
    expect(typeof value['b']).toBe('function');
  });

  it('loads a .js file in a "type": "module" package as ESM', async () => {
    const dir = await plugin({
      'package.json': { type: 'module' },
      'dist/index.js': 'export default 42;',
    });
    expect(await load(dir, 'dist/index.js', 'esm')).toBe(42);
  });

  it('returns module.exports of a CommonJS module', async () => {
    const dir = await plugin({ 'index.cjs': 'module.exports = function plugin() { return 7; };' });
    const value = await load(dir, 'index.cjs', 'cjs');
    expect(typeof value).toBe('function');
    expect((value as () => number)()).toBe(7);
  });

  it('returns the default of an esbuild-compiled CommonJS module', async () => {
    const dir = await plugin({ 'index.cjs': ESBUILD_DEFAULT_EXPORT });
    expect(await load(dir, 'index.cjs', 'cjs')).toEqual({ name: 'esbuilt' });
  });

  it('returns the default of a tsc-compiled CommonJS module', async () => {
    const dir = await plugin({
      'index.js': `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.default = { name: 'tsc' };
`,
    });
    expect(await load(dir, 'index.js', 'cjs')).toEqual({ name: 'tsc' });
  });

  it('keeps module.exports when __esModule is set but there is no default', async () => {
    const dir = await plugin({
      'index.cjs': 'Object.defineProperty(exports, "__esModule", { value: true }); exports.a = 1;',
    });
    expect(await load(dir, 'index.cjs', 'cjs')).toEqual({ a: 1 });
  });

  it('returns primitive module.exports as they are', async () => {
    const dir = await plugin({ 'index.cjs': 'module.exports = null;' });
    expect(await load(dir, 'index.cjs', 'cjs')).toBeNull();
  });

  it('loads CommonJS with require(), never import()', async () => {
    const dir = await plugin({ 'index.cjs': 'module.exports = { a: 1 };' });
    await load(dir, 'index.cjs', 'cjs');
    const cache = createRequire(join(dir, 'noop.js')).cache;
    expect(cache[join(dir, 'index.cjs')]?.loaded).toBe(true);
  });
});

describe('loadModule: errors', () => {
  it.each([
    ['esm', 'index.mjs', "throw new Error('boom at import');"],
    ['cjs', 'index.cjs', "throw new Error('boom at import');"],
  ] as const)(
    '%s: a module that throws → AUG_LOAD_IMPORT with cause',
    async (format, entry, code) => {
      const dir = await plugin({ [entry]: code });
      const error = await rejectionOf(load(dir, entry, format, { label: 'thrower' }));
      expect(isAugmentError(error)).toBe(true);
      expect(error.code).toBe('AUG_LOAD_IMPORT');
      expect((error.cause as Error).message).toBe('boom at import');
      expect(error).toMatchObject({ plugin: 'thrower', file: join(dir, entry) });
    },
  );

  // (CommonJS with `export` would make Node warn about the plugin's mistake.)
  it.each([
    ['esm', 'index.mjs', 'export default {;'],
    ['cjs', 'index.cjs', 'module.exports = {;'],
  ] as const)('%s: a syntax error → AUG_LOAD_IMPORT', async (format, entry, code) => {
    const dir = await plugin({ [entry]: code });
    const error = await rejectionOf(load(dir, entry, format));
    expect(error.code).toBe('AUG_LOAD_IMPORT');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports a missing import of the entry as AUG_LOAD_IMPORT', async () => {
    const dir = await plugin({ 'index.mjs': "import './missing.mjs';" });
    const error = await rejectionOf(load(dir, 'index.mjs', 'esm'));
    expect(error.code).toBe('AUG_LOAD_IMPORT');
  });

  it('labels errors with the directory when no label is given', async () => {
    const dir = await plugin({ 'index.cjs': 'throw 1;' });
    const error = await rejectionOf(load(dir, 'index.cjs', 'cjs'));
    expect(error).toMatchObject({ code: 'AUG_LOAD_IMPORT', plugin: dir, cause: 1 });
  });

  it('loads the fixed file after a failed first import', async () => {
    const dir = await plugin({ 'index.mjs': 'export default {;' });
    await rejectionOf(load(dir, 'index.mjs', 'esm'));
    await writeFiles(dir, { 'index.mjs': "export default 'fixed';" });
    expect(await load(dir, 'index.mjs', 'esm')).toBe('fixed');
  });

  it('times out on top-level code that never settles, and a reload then works', async () => {
    const dir = await plugin({ 'index.mjs': 'await new Promise(() => {});\nexport default 1;' });
    const started = Date.now();
    const error = await rejectionOf(load(dir, 'index.mjs', 'esm', { timeoutMs: 50 }));
    expect(error.code).toBe('AUG_LOAD_TIMEOUT');
    expect(isAugmentError(error)).toBe(true);
    // the 50 ms limit, not the default of load(), ended the wait (the margin is for a busy machine)
    expect(Date.now() - started).toBeLessThan(WAIT_MS / 2);

    await writeFiles(dir, { 'index.mjs': "export default 'recovered';" });
    expect(await load(dir, 'index.mjs', 'esm')).toBe('recovered');
  });

  it('waits without limit when timeoutMs is 0', async () => {
    const dir = await plugin({
      'index.mjs': 'await new Promise((r) => setTimeout(r, 30));\nexport default 2;',
    });
    expect(await load(dir, 'index.mjs', 'esm', { timeoutMs: 0 })).toBe(2);
  });

  it('hands a late fulfilment to onLate', async () => {
    const dir = await plugin({
      'index.mjs': "await new Promise((r) => setTimeout(r, 150));\nexport default 'late';",
    });
    const onLate = vi.fn();
    const error = await rejectionOf(load(dir, 'index.mjs', 'esm', { timeoutMs: 20, onLate }));
    expect(error.code).toBe('AUG_LOAD_TIMEOUT');
    await vi.waitFor(() => {
      expect(onLate).toHaveBeenCalledWith({ status: 'fulfilled', value: 'late' });
    }, WAIT);
  });

  it('swallows a late failure and hands it to onLate', async () => {
    const dir = await plugin({
      'index.mjs': "await new Promise((r) => setTimeout(r, 150));\nthrow new Error('late boom');",
    });
    const onLate = vi.fn();
    const error = await rejectionOf(load(dir, 'index.mjs', 'esm', { timeoutMs: 20, onLate }));
    expect(error.code).toBe('AUG_LOAD_TIMEOUT');
    await vi.waitFor(() => {
      expect(onLate).toHaveBeenCalledOnce();
    }, WAIT);
    const [outcome] = onLate.mock.calls[0] as [PromiseRejectedResult];
    expect(outcome.status).toBe('rejected');
    expect((outcome.reason as { code: string }).code).toBe('AUG_LOAD_IMPORT');
    // Give an unhandled rejection the chance to show up (afterEach checks).
    await nextTurn();
  });

  it('swallows a late failure without onLate', async () => {
    const dir = await plugin({
      'index.mjs': `await new Promise((r) => setTimeout(r, 100));\n${markerSource('late-boom')}\nthrow new Error('late boom');`,
    });
    const thrown = markerCount('late-boom');
    const error = await rejectionOf(load(dir, 'index.mjs', 'esm', { timeoutMs: 20 }));
    expect(error.code).toBe('AUG_LOAD_TIMEOUT');
    // wait until the late code has thrown, then give an unhandled rejection its chance (afterEach checks)
    await vi.waitFor(() => {
      expect(markerCount('late-boom')).toBe(thrown + 1);
    }, WAIT);
    await nextTurn();
  });
});

describe('loadModule: freshness', () => {
  it('ESM: re-imports the plugin’s own files, not only the entry', async () => {
    const dir = await plugin({
      'index.mjs': "import { value } from './lib/helper.mjs';\nexport default value;",
      'lib/helper.mjs': 'export const value = 1;',
    });
    expect(await load(dir, 'index.mjs', 'esm')).toBe(1);
    await writeFiles(dir, { 'lib/helper.mjs': 'export const value = 2;' });
    expect(await load(dir, 'index.mjs', 'esm')).toBe(2);
    await writeFiles(dir, { 'lib/helper.mjs': 'export const value = 3;' });
    expect(await load(dir, 'index.mjs', 'esm')).toBe(3);
  });

  it('ESM: fresh dynamic imports and .cjs files of the plugin too', async () => {
    const dir = await plugin({
      'index.mjs': `import counter from './counter.cjs';
export default async () => [(await import('./lazy.mjs')).value, counter.value];`,
      'lazy.mjs': 'export const value = 1;',
      'counter.cjs': 'exports.value = 1;',
    });
    const first = (await load(dir, 'index.mjs', 'esm')) as () => Promise<number[]>;
    expect(await first()).toEqual([1, 1]);
    await writeFiles(dir, {
      'lazy.mjs': 'export const value = 2;',
      'counter.cjs': 'exports.value = 2;',
    });
    const second = (await load(dir, 'index.mjs', 'esm')) as () => Promise<number[]>;
    expect(await second()).toEqual([2, 2]);
  });

  it('ESM: a module outside the plugin stays one instance across fresh imports', async () => {
    await writeFiles(root, { 'shared/state.mjs': 'export const state = { id: Math.random() };' });
    const dir = await plugin({
      'index.mjs': "import { state } from '../shared/state.mjs';\nexport default { state };",
    });
    const host = (await import(pathToFileURL(join(root, 'shared/state.mjs')).href)) as {
      state: object;
    };
    const first = (await load(dir, 'index.mjs', 'esm')) as { state: object };
    const second = (await load(dir, 'index.mjs', 'esm')) as { state: object };
    expect(second).not.toBe(first);
    expect(first.state).toBe(host.state);
    expect(second.state).toBe(host.state);
  });

  it('ESM: builtins and another plugin are left alone', async () => {
    const other = await plugin({ 'index.mjs': 'export const token = {};' });
    const dir = await plugin({
      'index.mjs': `import { token } from '../plugin-${counter}/index.mjs';
import { sep } from 'node:path';
export default { token, sep };`,
    });
    const otherToken = ((await load(other, 'index.mjs', 'esm')) as { token: object }).token;
    await load(dir, 'index.mjs', 'esm');
    const second = (await load(dir, 'index.mjs', 'esm')) as { token: object; sep: string };
    expect(second.token).toBe(otherToken);
    expect(typeof second.sep).toBe('string');
  });

  it('CJS: re-requires the plugin’s own files, not only the entry', async () => {
    await writeFiles(root, { 'shared/state.cjs': 'exports.state = {};' });
    const dir = await plugin({
      'index.cjs':
        "module.exports = { value: require('./lib/helper.cjs').value, state: require('../shared/state.cjs').state };",
      'lib/helper.cjs': 'exports.value = 1;',
    });
    const first = (await load(dir, 'index.cjs', 'cjs')) as { value: number; state: object };
    await writeFiles(dir, { 'lib/helper.cjs': 'exports.value = 2;' });
    const second = (await load(dir, 'index.cjs', 'cjs')) as { value: number; state: object };
    expect([first.value, second.value]).toEqual([1, 2]);
    expect(second.state).toBe(first.state);
  });

  it('CJS: a reload leaves one version in require.cache and no stale children', async () => {
    const dir = await plugin({
      'index.cjs': "module.exports = require('./helper.cjs');",
      'helper.cjs': `module.exports = { big: 'x'.repeat(1000), shared: require('../shared/state.cjs') };`,
    });
    const cache = createRequire(join(dir, 'noop.js')).cache;
    const versions = new Set<object>();
    for (let i = 0; i < 3; i++) {
      await load(dir, 'index.cjs', 'cjs');
      versions.add(cache[join(dir, 'helper.cjs')]!);
    }
    expect(versions.size).toBe(3);
    const current = new Set(Object.values(cache));
    for (const module of Object.values(cache)) {
      for (const child of module?.children ?? []) {
        if (isInsideDir(child.filename, dir)) expect(current.has(child)).toBe(true);
      }
    }
  });
});

describe('releaseModule', () => {
  it('CJS: removes the plugin’s modules from require.cache', async () => {
    const dir = await plugin({
      'index.cjs': "require('./helper.cjs'); module.exports = 1;",
      'helper.cjs': 'module.exports = 2;',
    });
    await load(dir, 'index.cjs', 'cjs');
    const cache = createRequire(join(dir, 'noop.js')).cache;
    expect(Object.keys(cache).filter((file) => isInsideDir(file, dir))).toHaveLength(2);
    expect(releaseModule(dir, 'cjs')).toBe(true);
    expect(Object.keys(cache).filter((file) => isInsideDir(file, dir))).toEqual([]);
  });

  it('ESM: drops the .cjs files the plugin required and accepts a deleted directory', async () => {
    const dir = await plugin({
      'index.mjs': "import './helper.cjs'; export default 1;",
      'helper.cjs': 'module.exports = 2;',
    });
    await load(dir, 'index.mjs', 'esm');
    const cache = createRequire(join(dir, 'noop.js')).cache;
    expect(cache[join(dir, 'helper.cjs')]).toBeDefined();
    await removeDir(dir);
    expect(releaseModule(dir, 'esm')).toBe(false);
    expect(cache[join(dir, 'helper.cjs')]).toBeUndefined();
  });
});

describe('the fresh-import resolve hook', () => {
  const rootDir = join('/', 'plugins', 'my plugin');
  const query = buildFreshQuery(7, rootDir);
  const parent = `${pathToFileURL(join(rootDir, 'index.mjs')).href}?${query}`;

  it('copies the query onto files inside the plugin root', () => {
    const child = pathToFileURL(join(rootDir, 'lib', 'a.mjs')).href;
    expect(rewriteResolved(parent, { url: child, format: 'module' })).toEqual({
      url: `${child}?${query}`,
      format: 'module',
    });
  });

  it('keeps a query of the child’s own', () => {
    const child = `${pathToFileURL(join(rootDir, 'a.json')).href}?raw`;
    expect(rewriteResolved(parent, { url: child }).url).toBe(`${child}&${query}`);
  });

  it('leaves everything else alone', () => {
    const outside = { url: pathToFileURL(join('/', 'plugins', 'my plugin2', 'a.mjs')).href };
    const builtin = { url: 'node:path' };
    const plain = { url: pathToFileURL(join(rootDir, 'a.mjs')).href };
    const already = { url: `${plain.url}?augment=3&augment-root=x` };
    expect(rewriteResolved(parent, outside)).toBe(outside);
    expect(rewriteResolved(parent, builtin)).toBe(builtin);
    expect(rewriteResolved(parent, already)).toBe(already);
    expect(rewriteResolved(undefined, plain)).toBe(plain);
    expect(rewriteResolved(pathToFileURL(join(rootDir, 'x.mjs')).href, plain)).toBe(plain);
    expect(rewriteResolved('data:text/javascript,augment-root=1', plain)).toBe(plain);
  });

  it('builds a hooks module that runs on its own, without closures', async () => {
    const source = buildHookModuleSource().replace('export async function', 'async function');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the generated source standalone is the test
    const makeResolve = new Function(`${source}\nreturn resolve;`) as () => (
      specifier: string,
      context: { parentURL?: string },
      next: (specifier: string) => Promise<{ url: string }>,
    ) => Promise<{ url: string }>;
    const resolve = makeResolve();
    const child = pathToFileURL(join(rootDir, 'b.mjs')).href;
    const result = await resolve('./b.mjs', { parentURL: parent }, () =>
      Promise.resolve({ url: child }),
    );
    expect(result.url).toBe(`${child}?${query}`);
  });
});

/** Runs in a child `node`: reloads with both builds of the loader, then prints a report. */
const CHILD_SCRIPT = `
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
const [root] = process.argv.slice(2);
const warnings = [];
process.on('warning', (w) => warnings.push(w.name + ': ' + w.message));
const esmBuild = await import(join(root, 'loader.mjs'));
const cjsBuild = createRequire(import.meta.url)(join(root, 'loader.cjs'));

// CJS memory: a host module that requires the plugin too lists every version among
// its children; without pruning, each old version (100 KB) would stay alive.
const dir = join(root, 'cjs-plugin');
const entryPath = join(dir, 'index.cjs');
const host = createRequire(join(root, 'host.cjs'))('./host.cjs');
const reload = async (i) => {
  writeFileSync(join(dir, 'big.cjs'), 'module.exports = ' + JSON.stringify({ v: i, big: (i + ':').padEnd(100000, 'x') }));
  const { value } = await esmBuild.loadModule({ entryPath, dir, format: 'cjs', timeoutMs: 20_000 });
  if (value.v !== i || host.use() !== value) throw new Error('stale version ' + value.v);
};
const heap = () => { for (let i = 0; i < 4; i++) globalThis.gc(); return process.memoryUsage().heapUsed; };
for (let i = 0; i < 5; i++) await reload(i);
const before = heap();
for (let i = 5; i < 35; i++) await reload(i);
const retainedPerReload = Math.round((heap() - before) / 30);
esmBuild.releaseModule(dir, 'cjs');

// ESM freshness through both builds, which share one state and one hook.
const esmDir = join(root, 'esm-plugin');
const values = [];
for (let i = 0; i < 4; i++) {
  writeFileSync(join(esmDir, 'helper.mjs'), 'export const v = ' + i + ';');
  const build = i % 2 === 0 ? esmBuild : cjsBuild;
  values.push((await build.loadModule({ entryPath: join(esmDir, 'index.mjs'), dir: esmDir, format: 'esm', timeoutMs: 20_000 })).value);
}
const state = globalThis[Symbol.for('augment.loader')];
process.stdout.write(JSON.stringify({
  retainedPerReload, warnings,
  helpers: values.map((value) => value.v),
  sharedKept: values.every((value) => value.shared === values[0].shared),
  hookProtocols: [...state.hookProtocols],
  generation: state.generation,
}));
`;

describe('in a plain node process (built with esbuild)', () => {
  it('frees old CJS versions, shares state between builds and warns about nothing', async () => {
    const { build } = await import('esbuild');
    const dir = await realpath(await makeTempDir('loader-child'));
    try {
      const entry = join(import.meta.dirname, '../../src/load/loader.ts');
      const common = {
        entryPoints: [entry],
        bundle: true,
        platform: 'node' as const,
        logLevel: 'silent' as const,
      };
      await build({ ...common, format: 'esm', outfile: join(dir, 'loader.mjs') });
      await build({ ...common, format: 'cjs', outfile: join(dir, 'loader.cjs') });
      await writeFiles(dir, {
        'check.mjs': CHILD_SCRIPT,
        'host.cjs': "exports.use = () => require('./cjs-plugin/index.cjs');",
        'cjs-plugin/index.cjs': "module.exports = require('./big.cjs');",
        'shared.mjs': 'export const shared = {};',
        'esm-plugin/index.mjs':
          "import { v } from './helper.mjs';\nimport { shared } from '../shared.mjs';\nexport default { v, shared };",
      });
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--expose-gc',
        // V8's compilation cache keeps each version's source until memory gets
        // tight (Node ≥ 22); left on, it would hide what the loader itself keeps.
        '--no-compilation-cache',
        // Reading module.parent warns under this flag: the purge must not.
        '--pending-deprecation',
        join(dir, 'check.mjs'),
        dir,
      ]);
      const report = JSON.parse(stdout) as Record<string, unknown>;
      expect(report).toMatchObject({
        warnings: [],
        helpers: [0, 1, 2, 3],
        sharedKept: true,
        hookProtocols: [1],
        generation: 3,
      });
      // Measured ~2-4 KB per reload with pruning, ~105 KB without.
      expect(report['retainedPerReload']).toBeLessThan(30_000);
    } finally {
      await removeDir(dir);
    }
  });
});
