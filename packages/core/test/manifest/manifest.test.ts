import { mkdir, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AugmentError, isAugmentError } from '../../src/errors.js';
import {
  MANIFEST_FILE,
  checkManifestFiles,
  getManifestIssues,
  parseManifest,
  readManifest,
  validateManifest,
} from '../../src/manifest/manifest.js';
import type { Manifest } from '../../src/types.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

const base = { name: 'my-plugin', version: '1.0.0', entryPoint: './dist/index.js', meta: {} };

function errorOf(run: () => unknown): AugmentError {
  try {
    run();
  } catch (error) {
    if (isAugmentError(error)) return error;
    throw error;
  }
  throw new Error('expected an AugmentError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<AugmentError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (isAugmentError(error)) return error;
  throw error;
}

/** The JSON paths validateManifest reports for `manifest`. */
function issuePaths(manifest: unknown): string[] {
  const error = errorOf(() => validateManifest(manifest));
  expect(error.code).toBe('AUG_MANIFEST_INVALID');
  return getManifestIssues(error).map((issue) => issue.path);
}

describe('validateManifest', () => {
  it.each([
    'my-plugin',
    '@scope/my-plugin',
    '@a-b/c.d_e',
    'a',
    '123',
    'a.b_c-d',
    '-dash',
    'x'.repeat(214),
  ])('accepts the name %j', (name) => {
    expect(validateManifest({ ...base, name }).name).toBe(name);
  });

  it.each([
    'MyPlugin',
    '@Scope/x',
    'x'.repeat(215),
    '.hidden',
    '_private',
    '@scope/.hidden',
    '@scope/_private',
    '',
    'my plugin',
    'a/b',
    '@scope/',
    '@/x',
    'é',
    'a~b',
    'a!b',
    ' a',
    42,
    null,
    undefined,
  ])('rejects the name %j', (name) => {
    expect(issuePaths({ ...base, name })).toEqual(['name']);
  });

  it.each([
    '1.0.0',
    '0.0.0',
    '10.20.30',
    '1.2.3-beta.1',
    '1.2.3-0.alpha',
    '1.0.0-x-y.7',
    '1.0.0+build.5',
    '1.0.0-rc.1+sha.0abc',
  ])('accepts the version %j', (version) => {
    expect(validateManifest({ ...base, version }).version).toBe(version);
  });

  it.each([
    '1.0',
    '1',
    'v1.0.0',
    '01.0.0',
    '1.01.0',
    '1.0.0-',
    '1.0.0-01',
    '1.0.0+',
    '1.0.0-a..b',
    ' 1.0.0',
    '1.0.0\n',
    '',
    1,
    undefined,
  ])('rejects the version %j', (version) => {
    expect(issuePaths({ ...base, version })).toEqual(['version']);
  });

  it.each(['./dist/index.js', 'dist/index.js', 'index.js', './a/..b/c.js', 'a..b.js', 'é/ü.js'])(
    'accepts the entryPoint %j',
    (entryPoint) => {
      expect(validateManifest({ ...base, entryPoint }).entryPoint).toBe(entryPoint);
    },
  );

  it.each([
    '../x.js',
    './a/../b.js',
    'a/..',
    '..',
    '/abs.js',
    '//server/share/x.js',
    'C:\\x.js',
    'C:/x.js',
    'C:x.js',
    '\\\\server\\share\\x.js',
    'dist\\index.js',
    '..\\x.js',
    '',
    'dist/\0.js',
    'dist/a\nb.js',
    'dist/\u0085.js',
    5,
    undefined,
  ])('rejects the entryPoint %j', (entryPoint) => {
    expect(issuePaths({ ...base, entryPoint })).toEqual(['entryPoint']);
  });

  it('defaults a missing meta to a fresh {}', () => {
    const withoutMeta = { name: base.name, version: base.version, entryPoint: base.entryPoint };
    const first = validateManifest(withoutMeta);
    const second = validateManifest(withoutMeta);
    expect(first.meta).toEqual({});
    first.meta.changed = true;
    expect(second.meta).toEqual({});
  });

  it('keeps the fields of meta', () => {
    const meta = { color: 'red', nested: { deep: [1, 2] } };
    expect(validateManifest({ ...base, meta }).meta).toEqual(meta);
  });

  it.each([[[]], [null], ['meta'], [1]])('rejects meta %j', (meta) => {
    expect(issuePaths({ ...base, meta })).toEqual(['meta']);
  });

  it('accepts a description string and rejects anything else', () => {
    expect(validateManifest({ ...base, description: 'Says hi' }).description).toBe('Says hi');
    expect(issuePaths({ ...base, description: 5 })).toEqual(['description']);
  });

  it.each([{}, { host: '^1.0.0' }, { host: '>=1.2 <3 || 4.x' }, { host: '*', node: '>=20' }])(
    'accepts engines %j and keeps its keys',
    (engines) => {
      expect(validateManifest({ ...base, engines }).engines).toEqual(engines);
    },
  );

  it.each([
    [{ host: 'not a range' }, 'engines.host'],
    [{ host: '>=1.0.0 <' }, 'engines.host'],
    [{ host: 5 }, 'engines.host'],
    ['^1.0.0', 'engines'],
    [[], 'engines'],
    [null, 'engines'],
  ])('rejects engines %j at %s', (engines, at) => {
    expect(issuePaths({ ...base, engines })).toEqual([at]);
  });

  it('keeps unknown top-level keys', () => {
    const extra = { $schema: './schema.json', custom: { a: [1] }, flag: true };
    expect(validateManifest({ ...base, ...extra })).toEqual({ ...base, ...extra });
  });

  it.each([[null], [[]], ['text'], [42], [true], [undefined], [() => base]])(
    'rejects the non-object %j at (root)',
    (value) => {
      expect(issuePaths(value)).toEqual(['(root)']);
    },
  );

  it('reports every problem at once, naming the plugin, the file and each path', () => {
    const manifest = { name: 'my-plugin', version: 'v1', entryPoint: '../x.js', meta: [] };
    const error = errorOf(() => validateManifest(manifest, '/p/plugin.manifest.json'));
    expect(error.code).toBe('AUG_MANIFEST_INVALID');
    expect(error.plugin).toBe('my-plugin');
    expect(error.file).toBe('/p/plugin.manifest.json');
    const paths = getManifestIssues(error).map((issue) => issue.path);
    expect(paths).toEqual(['version', 'entryPoint', 'meta']);
    expect(error.message).toContain('"my-plugin"');
    expect(error.message).toContain('/p/plugin.manifest.json');
    for (const path of paths) expect(error.message).toContain(`\n- ${path}: `);
  });

  it('reports missing required fields, and leaves the plugin unnamed when name is invalid', () => {
    const error = errorOf(() => validateManifest({ name: 'Bad Name' }));
    expect(error.plugin).toBeUndefined();
    expect(error.message).toContain(MANIFEST_FILE);
    expect(getManifestIssues(error).map((issue) => issue.path)).toEqual([
      'name',
      'version',
      'entryPoint',
    ]);
  });

  it('never mutates its input and returns new objects', () => {
    const input = {
      ...base,
      meta: { a: { b: 1 } },
      engines: { host: '^1.0.0' },
      extra: [1, 2],
    };
    const frozen = deepFreeze(structuredClone(input));
    const result = validateManifest(frozen);
    expect(frozen).toEqual(input);
    expect(result).not.toBe(frozen);
    expect(result.meta).not.toBe(frozen.meta);
    expect(result.engines).not.toBe(frozen.engines);
    expect(() => validateManifest(deepFreeze({ name: 'x' }))).toThrow();
  });

  it('does not let __proto__ keys pollute anything', () => {
    const json: unknown = JSON.parse(
      '{"name":"p","version":"1.0.0","entryPoint":"i.js","__proto__":{"polluted":1},"meta":{"__proto__":{"polluted":1}},"engines":{"__proto__":{"polluted":1}}}',
    );
    const result = validateManifest(json);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.meta)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.engines)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.polluted).toBeUndefined();
  });

  it('turns a throwing getter into AUG_MANIFEST_INVALID', () => {
    const hostile = {
      ...base,
      get version(): string {
        throw new Error('boom');
      },
    };
    expect(issuePaths(hostile)).toEqual(['(root)']);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(issuePaths(revoked.proxy)).toEqual(['(root)']);
  });

  it('getManifestIssues returns [] for anything else', () => {
    expect(getManifestIssues(new Error('x'))).toEqual([]);
    expect(getManifestIssues(undefined)).toEqual([]);
    expect(getManifestIssues(errorOf(() => parseManifest('{')))).toEqual([]);
  });
});

describe('parseManifest', () => {
  const text = JSON.stringify(base);

  it('parses and validates', () => {
    expect(parseManifest(text)).toEqual(base);
  });

  it('ignores a UTF-8 BOM', () => {
    expect(parseManifest(`\uFEFF${text}`)).toEqual(base);
  });

  it.each([
    ['{\n  "name": tru}', 'line 2, column 11'],
    ['{"name": "x",}', 'line 1, column 14'],
    ['{"name": "x"', 'line 1, column 13'],
    ['', 'line 1, column 1'],
    ['// comment\n{}', 'line 1, column 1'],
    ["{'name': 'x'}", 'line 1, column 2'],
    ['\uFEFF{\n"a": 1,\n}', 'line 3, column 1'],
  ])('reports %j as AUG_MANIFEST_PARSE at %s', (bad, at) => {
    const error = errorOf(() => parseManifest(bad, '/p/plugin.manifest.json'));
    expect(error.code).toBe('AUG_MANIFEST_PARSE');
    expect(error.file).toBe('/p/plugin.manifest.json');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.message).toContain('/p/plugin.manifest.json');
    expect(error.message).toContain(at);
  });

  it('reports broken rules as AUG_MANIFEST_INVALID with the file', () => {
    const error = errorOf(() => parseManifest('{"name": "x"}', '/p/m.json'));
    expect(error.code).toBe('AUG_MANIFEST_INVALID');
    expect(error.file).toBe('/p/m.json');
  });
});

describe('with a temp folder', () => {
  let root: string;
  let plugin: string;
  beforeEach(async () => {
    root = await makeTempDir('manifest');
    plugin = join(root, 'plugin');
    await mkdir(plugin);
  });
  afterEach(async () => {
    await removeDir(root);
  });

  describe('readManifest', () => {
    it('reads and validates plugin.manifest.json', async () => {
      await writeFiles(plugin, { [MANIFEST_FILE]: { ...base, extra: 1 } });
      expect(await readManifest(plugin)).toEqual({ ...base, extra: 1 });
    });

    it('accepts a file with a BOM', async () => {
      await writeFiles(plugin, { [MANIFEST_FILE]: `\uFEFF${JSON.stringify(base)}` });
      expect(await readManifest(plugin)).toEqual(base);
    });

    it('reports a missing file as AUG_MANIFEST_UNREADABLE', async () => {
      const error = await rejectionOf(readManifest(plugin));
      expect(error.code).toBe('AUG_MANIFEST_UNREADABLE');
      expect(error.file).toBe(join(plugin, MANIFEST_FILE));
      expect(error.message).toContain(join(plugin, MANIFEST_FILE));
      expect(error.cause).toMatchObject({ code: 'ENOENT' });
    });

    it('reports a missing plugin directory as AUG_MANIFEST_UNREADABLE', async () => {
      const error = await rejectionOf(readManifest(join(root, 'nope')));
      expect(error.code).toBe('AUG_MANIFEST_UNREADABLE');
    });

    it('reports a directory in place of the file as AUG_MANIFEST_UNREADABLE', async () => {
      await mkdir(join(plugin, MANIFEST_FILE));
      const error = await rejectionOf(readManifest(plugin));
      expect(error.code).toBe('AUG_MANIFEST_UNREADABLE');
      expect(error.cause).toMatchObject({ code: 'EISDIR' });
    });

    it('reports bad JSON as AUG_MANIFEST_PARSE naming the file', async () => {
      await writeFiles(plugin, { [MANIFEST_FILE]: '{ "name": ' });
      const error = await rejectionOf(readManifest(plugin));
      expect(error.code).toBe('AUG_MANIFEST_PARSE');
      expect(error.file).toBe(join(plugin, MANIFEST_FILE));
    });

    it('reports broken rules as AUG_MANIFEST_INVALID naming plugin and file', async () => {
      await writeFiles(plugin, { [MANIFEST_FILE]: { ...base, version: '1.0' } });
      const error = await rejectionOf(readManifest(plugin));
      expect(error.code).toBe('AUG_MANIFEST_INVALID');
      expect(error.plugin).toBe('my-plugin');
      expect(error.file).toBe(join(plugin, MANIFEST_FILE));
    });
  });

  describe('checkManifestFiles', () => {
    const manifest = validateManifest(base);

    it('returns the real path of the entry file', async () => {
      await writeFiles(plugin, { 'dist/index.js': 'export default 1;' });
      expect(await checkManifestFiles(manifest, plugin)).toBe(
        await realpath(join(plugin, 'dist/index.js')),
      );
    });

    it('reports a missing entry as AUG_ENTRY_MISSING naming plugin and file', async () => {
      const error = await rejectionOf(checkManifestFiles(manifest, plugin));
      expect(error.code).toBe('AUG_ENTRY_MISSING');
      expect(error.plugin).toBe('my-plugin');
      expect(error.message).toContain('"my-plugin"');
      expect(error.message).toContain(join(plugin, 'dist', 'index.js'));
    });

    it('reports a missing plugin directory as AUG_ENTRY_MISSING', async () => {
      const error = await rejectionOf(checkManifestFiles(manifest, join(root, 'nope')));
      expect(error.code).toBe('AUG_ENTRY_MISSING');
    });

    it('reports an entry that is a directory as AUG_ENTRY_MISSING', async () => {
      await mkdir(join(plugin, 'dist', 'index.js'), { recursive: true });
      const error = await rejectionOf(checkManifestFiles(manifest, plugin));
      expect(error.code).toBe('AUG_ENTRY_MISSING');
    });

    it('reports an entry below a file or in a symlink loop as AUG_ENTRY_MISSING', async () => {
      await writeFiles(plugin, { dist: 'not a folder' });
      const belowFile = await rejectionOf(checkManifestFiles(manifest, plugin));
      expect(belowFile.code).toBe('AUG_ENTRY_MISSING');
      expect(belowFile.cause).toMatchObject({ code: 'ENOTDIR' });
      await symlink(join(plugin, 'loop.js'), join(plugin, 'loop.js'));
      const loop = await rejectionOf(
        checkManifestFiles({ ...manifest, entryPoint: 'loop.js' }, plugin),
      );
      expect(loop.code).toBe('AUG_ENTRY_MISSING');
      expect(loop.cause).toMatchObject({ code: 'ELOOP' });
    });

    it('reports an entry symlinked outside the plugin as AUG_ENTRY_OUTSIDE', async () => {
      await writeFiles(root, { 'outside/evil.js': 'export default 1;' });
      await mkdir(join(plugin, 'dist'));
      await symlink(join(root, 'outside', 'evil.js'), join(plugin, 'dist', 'index.js'));
      const error = await rejectionOf(checkManifestFiles(manifest, plugin));
      expect(error.code).toBe('AUG_ENTRY_OUTSIDE');
      expect(error.plugin).toBe('my-plugin');
    });

    it('reports a dist folder symlinked outside the plugin as AUG_ENTRY_OUTSIDE', async () => {
      await writeFiles(root, { 'outside/index.js': 'export default 1;' });
      await symlink(join(root, 'outside'), join(plugin, 'dist'));
      const error = await rejectionOf(checkManifestFiles(manifest, plugin));
      expect(error.code).toBe('AUG_ENTRY_OUTSIDE');
    });

    it('accepts a symlink that stays inside the plugin', async () => {
      await writeFiles(plugin, { 'build/main.js': 'export default 1;' });
      await mkdir(join(plugin, 'dist'));
      await symlink(join(plugin, 'build', 'main.js'), join(plugin, 'dist', 'index.js'));
      expect(await checkManifestFiles(manifest, plugin)).toBe(
        await realpath(join(plugin, 'build', 'main.js')),
      );
    });

    it('accepts a plugin directory that is itself a symlink', async () => {
      await writeFiles(plugin, { 'dist/index.js': 'export default 1;' });
      const link = join(root, 'linked-plugin');
      await symlink(plugin, link);
      expect(await checkManifestFiles(manifest, link)).toBe(
        await realpath(join(plugin, 'dist', 'index.js')),
      );
    });

    it('refuses an unsafe entryPoint even without validateManifest', async () => {
      await writeFiles(root, { 'x.js': 'export default 1;' });
      const unchecked: Manifest = { ...manifest, entryPoint: '../x.js' };
      const error = await rejectionOf(checkManifestFiles(unchecked, plugin));
      expect(error.code).toBe('AUG_ENTRY_OUTSIDE');
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
