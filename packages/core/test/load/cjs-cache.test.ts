import { realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInsideDir, purgeCjsModules } from '../../src/load/cjs-cache.js';
import { makeTempDir, removeDir, writeFiles } from '../helpers/fixtures.js';

let root: string;
let dir: string;
let cache: NodeJS.Require['cache'];

beforeEach(async () => {
  root = await realpath(await makeTempDir('cjs-cache'));
  dir = join(root, 'plugin');
  await writeFiles(root, {
    'plugin/index.cjs': "exports.helper = require('./lib/helper.cjs');",
    'plugin/lib/helper.cjs': "exports.shared = require('../../shared.cjs');",
    'shared.cjs': 'exports.value = {};',
    'host.cjs': "exports.plugin = require('./plugin/index.cjs');",
    'second-host.cjs': "exports.plugin = require('./plugin/index.cjs');",
    'plugin-two/index.cjs': 'exports.value = 2;',
  });
  cache = createRequire(join(root, 'noop.js')).cache;
});

afterEach(async () => {
  purgeCjsModules(root);
  await removeDir(root);
});

/** The cached module of a file below the temp root. */
function cached(relative: string): NodeJS.Module | undefined {
  return cache[join(root, relative)];
}

describe('isInsideDir', () => {
  it('accepts the directory itself and anything below it', () => {
    expect(isInsideDir(dir, dir)).toBe(true);
    expect(isInsideDir(join(dir, 'a', 'b.js'), dir)).toBe(true);
    expect(isInsideDir(join(dir, 'a.js'), dir + sep)).toBe(true);
  });

  it('rejects siblings that merely share a prefix', () => {
    expect(isInsideDir(join(root, 'plugin-two', 'index.cjs'), dir)).toBe(false);
    expect(isInsideDir(root, dir)).toBe(false);
  });
});

describe('purgeCjsModules', () => {
  it('removes the modules below the directory and nothing else', () => {
    const require = createRequire(join(root, 'noop.js'));
    require('./host.cjs');
    require('./plugin-two/index.cjs');
    expect(cached('plugin/index.cjs')).toBeDefined();
    expect(cached('plugin/lib/helper.cjs')).toBeDefined();

    expect(purgeCjsModules(dir)).toBe(2);

    expect(cached('plugin/index.cjs')).toBeUndefined();
    expect(cached('plugin/lib/helper.cjs')).toBeUndefined();
    expect(cached('host.cjs')).toBeDefined();
    expect(cached('shared.cjs')).toBeDefined();
    expect(cached('plugin-two/index.cjs')).toBeDefined();
  });

  it('prunes the purged modules from the children of the modules that stay', () => {
    const require = createRequire(join(root, 'noop.js'));
    require('./host.cjs');
    require('./second-host.cjs');
    const host = cached('host.cjs')!;
    const secondHost = cached('second-host.cjs')!;
    const plugin = cached('plugin/index.cjs')!;
    // The first is the plugin's parent; the second only lists it as a child.
    expect(host.children).toContain(plugin);
    expect(secondHost.children).toContain(plugin);

    purgeCjsModules(dir);

    expect(host.children).not.toContain(plugin);
    expect(secondHost.children).not.toContain(plugin);
    for (const module of Object.values(cache)) {
      for (const child of module?.children ?? []) {
        expect(isInsideDir(child.filename, dir)).toBe(false);
      }
    }
  });

  it('prunes a parent that is not in require.cache (a createRequire module)', () => {
    const require = createRequire(join(dir, 'noop.js'));
    require('./index.cjs');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- inspecting what the purge prunes
    const parent = cached('plugin/index.cjs')!.parent!;
    expect(Object.values(cache)).not.toContain(parent);
    expect(parent.children).toHaveLength(1);

    purgeCjsModules(dir);

    expect(parent.children).toHaveLength(0);
  });

  it('leaves module.parent alone under --pending-deprecation, where reading it warns', () => {
    const previous = process.env['NODE_PENDING_DEPRECATION'];
    process.env['NODE_PENDING_DEPRECATION'] = '1';
    try {
      const require = createRequire(join(dir, 'noop.js'));
      require('./index.cjs');
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- inspecting what the purge prunes
      const parent = cached('plugin/index.cjs')!.parent!;
      purgeCjsModules(dir);
      expect(cached('plugin/index.cjs')).toBeUndefined();
      expect(parent.children).toHaveLength(1);
    } finally {
      if (previous === undefined) delete process.env['NODE_PENDING_DEPRECATION'];
      else process.env['NODE_PENDING_DEPRECATION'] = previous;
    }
  });

  it('makes the next require() evaluate the files again', async () => {
    const require = createRequire(join(root, 'noop.js'));
    const first = require('./plugin/index.cjs') as { helper: unknown };
    await writeFiles(root, { 'plugin/lib/helper.cjs': 'exports.version = 2;' });
    expect(require('./plugin/index.cjs')).toBe(first);

    purgeCjsModules(dir);

    expect(require('./plugin/index.cjs')).toEqual({ helper: { version: 2 } });
  });

  it('returns 0 when nothing of the directory is cached', () => {
    expect(purgeCjsModules(join(root, 'nothing-here'))).toBe(0);
  });
});
