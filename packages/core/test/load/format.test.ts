import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, type FormatCache } from '../../src/load/format.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

let root: string;

beforeAll(async () => {
  root = await makeTempDir('format');
});

afterAll(async () => {
  await removeDir(root);
});

/** Writes `files` into a new folder below the temp root and returns its path. */
async function folder(name: string, files: Record<string, string | object>): Promise<string> {
  const dir = join(root, name);
  await writeFiles(dir, files);
  return dir;
}

describe('detectFormat by extension', () => {
  it('treats .mjs and .mts as ESM, even under "type": "commonjs"', async () => {
    const dir = await folder('ext-esm', {
      'package.json': { type: 'commonjs' },
      'a.mjs': 'module.exports = 1;',
      'a.mts': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'a.mjs'))).toBe('esm');
    expect(await detectFormat(join(dir, 'a.mts'))).toBe('esm');
  });

  it('treats .cjs and .cts as CommonJS, even under "type": "module"', async () => {
    const dir = await folder('ext-cjs', {
      'package.json': { type: 'module' },
      'a.cjs': 'export default 1;',
      'a.cts': 'export default 1;',
    });
    expect(await detectFormat(join(dir, 'a.cjs'))).toBe('cjs');
    expect(await detectFormat(join(dir, 'a.cts'))).toBe('cjs');
  });
});

describe('detectFormat by package.json type', () => {
  it('follows "type": "module" for .js, whatever the syntax', async () => {
    const dir = await folder('type-module', {
      'package.json': { type: 'module' },
      'index.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'index.js'))).toBe('esm');
  });

  it('follows "type": "commonjs" for .js, whatever the syntax', async () => {
    const dir = await folder('type-commonjs', {
      'package.json': { type: 'commonjs' },
      'index.js': 'export default 1;',
    });
    expect(await detectFormat(join(dir, 'index.js'))).toBe('cjs');
  });

  it('uses the nearest package.json, walking up from the file', async () => {
    const dir = await folder('nested', {
      'package.json': { type: 'module' },
      'inner/package.json': { type: 'commonjs' },
      'inner/deep/index.js': 'export default 1;',
      'outer.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'inner/deep/index.js'))).toBe('cjs');
    expect(await detectFormat(join(dir, 'outer.js'))).toBe('esm');
  });

  it('stops at the nearest package.json even when it has no type', async () => {
    const dir = await folder('nearest-typeless', {
      'package.json': { type: 'module' },
      'inner/package.json': { name: 'inner' },
      'inner/index.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'inner/index.js'))).toBe('cjs');
  });

  it('treats an invalid package.json as one without type', async () => {
    const dir = await folder('invalid-json', {
      'package.json': { type: 'module' },
      'inner/package.json': '{ "type": "module", ',
      'inner/esm.js': 'export default 1;',
      'inner/cjs.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'inner/esm.js'))).toBe('esm');
    expect(await detectFormat(join(dir, 'inner/cjs.js'))).toBe('cjs');
  });

  it('treats an unreadable package.json as one without type', async () => {
    const dir = await folder('unreadable', {
      'package.json': { type: 'module' },
      'inner/package.json': { type: 'module' },
      'inner/index.js': 'module.exports = 1;',
    });
    await chmod(join(dir, 'inner/package.json'), 0o000);
    try {
      // Root can read any file: the package.json then simply counts.
      const expected = process.getuid?.() === 0 ? 'esm' : 'cjs';
      expect(await detectFormat(join(dir, 'inner/index.js'))).toBe(expected);
    } finally {
      await chmod(join(dir, 'inner/package.json'), 0o644);
    }
  });

  it('treats a package.json that cannot be read (symlink loop) as one without type', async () => {
    const dir = await folder('symlink-loop', {
      'package.json': { type: 'module' },
      'inner/index.js': 'module.exports = 1;',
    });
    await symlink('package.json', join(dir, 'inner/package.json'));
    expect(await detectFormat(join(dir, 'inner/index.js'))).toBe('cjs');
  });

  it('treats a package.json that is a directory as absent', async () => {
    const dir = await folder('dir-package-json', {
      'package.json': { type: 'module' },
      'inner/package.json/keep.txt': '',
      'inner/index.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'inner/index.js'))).toBe('esm');
  });

  it('caches lookups per directory so a second lookup reads no package.json', async () => {
    const dir = await folder('cache', {
      'package.json': { type: 'module' },
      'a/b/one.js': '',
      'a/c/two.js': '',
    });
    const cache: FormatCache = new Map();
    expect(await detectFormat(join(dir, 'a/b/one.js'), cache)).toBe('esm');
    expect([...cache.keys()]).toEqual([join(dir, 'a/b'), join(dir, 'a'), dir]);
    expect(await cache.get(join(dir, 'a'))).toBe('module');

    // Only a/c is new: the walk stops at the cached a.
    expect(await detectFormat(join(dir, 'a/c/two.js'), cache)).toBe('esm');
    expect([...cache.keys()]).toEqual([join(dir, 'a/b'), join(dir, 'a'), dir, join(dir, 'a/c')]);

    // The cache, not the disk, answers: a stale entry proves no file was read.
    cache.set(join(dir, 'a/c'), Promise.resolve('commonjs'));
    expect(await detectFormat(join(dir, 'a/c/two.js'), cache)).toBe('cjs');
  });
});

describe('detectFormat by syntax (no type)', () => {
  const cases: [string, string, 'esm' | 'cjs'][] = [
    ['import statement', "import { join } from 'node:path';\nexport default join;", 'esm'],
    ['export only', 'export const value = 1;', 'esm'],
    [
      'require and module.exports',
      "const path = require('node:path');\nmodule.exports = path;",
      'cjs',
    ],
    ['exports.name', 'exports.value = 1;', 'cjs'],
    ['top-level await', 'const value = await Promise.resolve(1);\nglobalThis.v = value;', 'esm'],
    ['top-level await in a call', 'console.log(await Promise.resolve(1));', 'esm'],
    ['top-level for await', 'for await (const x of []) console.log(x);', 'esm'],
    ['import.meta', 'globalThis.url = import.meta.url;', 'esm'],
    ['const require (ESM only)', 'const require = 1;\nglobalThis.r = require;', 'esm'],
    ['redeclared module, then export', 'const module = 1;\nexport default module;', 'esm'],
    ['dynamic import() stays CommonJS', "module.exports = () => import('node:path');", 'cjs'],
    ['hashbang + CommonJS', '#!/usr/bin/env node\nmodule.exports = 1;', 'cjs'],
    ['hashbang + ESM', '#!/usr/bin/env node\nexport default 1;', 'esm'],
    ['BOM + ESM', '\uFEFFexport default 1;', 'esm'],
    ['empty file', '', 'cjs'],
    ['plain syntax error', 'module.exports = {;', 'cjs'],
    ['syntax error with await', 'const x = await ;', 'cjs'],
    ['await in a sync function', 'function f() { await 1; }\nmodule.exports = f;', 'cjs'],
    ['top-level return', 'return;', 'cjs'],
  ];

  it.each(cases)('%s', async (name, source, expected) => {
    const dir = await folder(`syntax-${name.replace(/\W+/g, '-')}`, { 'index.js': source });
    expect(await detectFormat(join(dir, 'index.js'))).toBe(expected);
  });

  it('detects syntax for files without package.json up to the root', async () => {
    // The temp root itself has no package.json above it (os.tmpdir()).
    const dir = await folder('no-package', { 'index.js': 'export default 1;' });
    expect(await detectFormat(join(dir, 'index.js'), new Map())).toBe('esm');
  });

  it('never crosses a node_modules folder', async () => {
    const dir = await folder('node-modules', {
      'package.json': { type: 'module' },
      'node_modules/dep/index.js': 'module.exports = 1;',
    });
    expect(await detectFormat(join(dir, 'node_modules/dep/index.js'))).toBe('cjs');
  });

  it('treats an unreadable entry point as CommonJS, so require() reports it', async () => {
    expect(await detectFormat(join(root, 'missing/index.js'))).toBe('cjs');
  });
});
