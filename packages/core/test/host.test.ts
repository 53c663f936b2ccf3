import { rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PluginHost, isAugmentError, type Logger, type PluginFailure } from '../src/index.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder } from './helpers/plugins.js';
import { WAIT, markerCount, markerSource, nextTurn } from './helpers/wait.js';

interface Greeter {
  greet(who: string): string;
}
const isGreeter = (p: unknown): p is Greeter =>
  typeof p === 'object' && p !== null && typeof (p as Greeter).greet === 'function';

let root: string;
let hosts: PluginHost<Greeter>[] = [];

beforeEach(async () => {
  root = await makeTempDir('host');
});

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
  await removeDir(root);
});

function makeHost(
  options: Partial<ConstructorParameters<typeof PluginHost<Greeter>>[0]> = {},
): PluginHost<Greeter> {
  const host = new PluginHost<Greeter>({
    folder: root,
    validator: isGreeter,
    logger: false,
    ...options,
  });
  hosts.push(host);
  return host;
}

const codes = (failures: readonly PluginFailure[]): string[] => failures.map((f) => f.code).sort();

/** Bumps mtime so a rewrite within the same millisecond still changes the fingerprint. */
async function rewrite(file: string, content: string): Promise<void> {
  await writeFile(file, content);
  const later = new Date(Date.now() + 5_000);
  await utimes(file, later, later);
}

describe('options', () => {
  it('reject unknown keys and ill-typed values at construction', () => {
    const attempts: unknown[] = [
      { folder: root, fodler: 'x' },
      { folder: '' },
      {},
      { folder: root, loadTimeoutMs: -1 },
      { folder: root, validator: 'nope' },
      { folder: root, hostVersion: 'one' },
      { folder: root, logger: {} },
      { folder: root, ignore: [1] },
      { folder: root, watch: 'yes' },
      null,
    ];
    for (const options of attempts) {
      let caught: unknown;
      try {
        new PluginHost(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isAugmentError(caught), JSON.stringify(options)).toBe(true);
      expect((caught as { code: string }).code).toBe('AUG_OPTIONS_INVALID');
    }
  });

  it('apply documented defaults', () => {
    const host = makeHost();
    expect(host.options.loadTimeoutMs).toBe(10_000);
    expect(host.options.watchDebounceMs).toBe(100);
    expect(host.options.watch).toBe(false);
    expect(Object.isFrozen(host.options)).toBe(true);
  });
});

describe('discovery', () => {
  it('reports a missing folder as one failure and does not throw', async () => {
    const host = makeHost({ folder: join(root, 'nope') });
    const report = await host.reload();
    expect(codes(report.failed)).toEqual(['AUG_FOLDER_MISSING']);
    expect(report.failed[0]?.stage).toBe('folder');
    expect(host.getAll()).toEqual([]);
  });

  it('gives an empty registry for an empty folder', async () => {
    const report = await makeHost().reload();
    expect(report).toMatchObject({ added: [], failed: [] });
  });

  it('skips ignored plugins without importing them or reporting them', async () => {
    await writeFiles(root, {
      ...inFolder('a', esmPlugin('ignored-by-name', `throw new Error('imported!')`)),
      ...inFolder(
        'b',
        esmPlugin('ignored-by-meta', `throw new Error('imported!')`, { meta: { off: true } }),
      ),
      ...inFolder('c', esmPlugin('kept')),
    });
    const host = makeHost({
      ignore: (m) => m.name === 'ignored-by-name' || m.meta.off === true,
    });
    const report = await host.reload();
    expect(report.added).toEqual(['kept']);
    expect(report.failed).toEqual([]);
    const byName = makeHost({ ignore: ['ignored-by-name', 'ignored-by-meta'] });
    expect((await byName.reload()).added).toEqual(['kept']);
  });

  it('takes a truthy answer of an ignore predicate as "ignore", as filter() does', async () => {
    await writeFiles(root, {
      ...inFolder('a', esmPlugin('one')),
      ...inFolder('b', esmPlugin('two')),
      ...inFolder('c', esmPlugin('kept')),
    });
    // what a JavaScript host may write: a predicate that answers 1, a string or undefined
    const answers: Record<string, unknown> = { one: 1, two: 'yes', kept: undefined };
    const ignore = (m: { name: string }): boolean => answers[m.name] as boolean;
    const report = await makeHost({ ignore }).reload();
    expect(report.added).toEqual(['kept']);
    expect(report.failed).toEqual([]);
  });

  it('sends each directory without a manifest to debug once, and failures to warn', async () => {
    await writeFiles(root, {
      'empty-dir/readme.md': '# not a plugin',
      ...inFolder('broken', { 'plugin.manifest.json': '{' }),
    });
    const lines: Record<string, string[]> = { warn: [], error: [], info: [], debug: [] };
    const logger: Logger = {
      warn: (m) => lines.warn!.push(m),
      error: (m) => lines.error!.push(m),
      info: (m) => lines.info!.push(m),
      debug: (m) => lines.debug!.push(m),
    };
    const host = makeHost({ logger });
    await host.reload();
    await host.reload();
    expect(lines.debug!.filter((l) => l.includes('empty-dir'))).toHaveLength(1);
    // a standing failure is reported once, when it first appears
    expect(lines.warn!.filter((l) => l.includes('broken'))).toHaveLength(1);
    expect(lines.info).toHaveLength(2);
  });
});

describe('conflicts', () => {
  it('lets the lexically first path win between two directories of the same name and version', async () => {
    await writeFiles(root, {
      ...inFolder('b-copy', esmPlugin('same', `export default { greet: () => 'b' }`)),
      ...inFolder('a-copy', esmPlugin('same', `export default { greet: () => 'a' }`)),
    });
    const host = makeHost();
    const report = await host.reload();
    expect(host.get('same')?.plugin.greet('')).toBe('a');
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ stage: 'conflict', code: 'AUG_CONFLICT_DUPLICATE' });
    expect(report.failed[0]?.source).toBe(join(root, 'b-copy'));
    expect(report.failed[0]?.message).toContain(join(root, 'a-copy'));
  });

  it('never falls back to a losing version when the winner fails; last known good serves', async () => {
    await writeFiles(root, inFolder('v1', esmPlugin('x', `export default { greet: () => 'v1' }`)));
    const host = makeHost();
    await host.reload();
    await writeFiles(
      root,
      inFolder('v2', esmPlugin('x', `throw new Error('v2 broken')`, { version: '2.0.0' })),
    );
    const report = await host.reload();
    expect(report.kept).toEqual(['x']);
    expect(codes(report.failed)).toEqual(['AUG_CONFLICT_DUPLICATE', 'AUG_LOAD_IMPORT']);
    expect(host.get('x')?.plugin.greet('')).toBe('v1');

    // a fresh host has no last known good: the loser is not used either
    const fresh = makeHost();
    await fresh.reload();
    expect(fresh.get('x')).toBeUndefined();
  });
});

describe('validation', () => {
  it('keeps the module export itself even when a schema returns a stripped copy', async () => {
    await writeFiles(
      root,
      inFolder('p', esmPlugin('p', `export default { greet: () => 'hi', extra: 42 };`)),
    );
    const stripping = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => ({ value: { greet: (value as { greet: unknown }).greet } }),
      },
    };
    const host = makeHost({ validator: stripping as never });
    await host.reload();
    const entry = host.get('p')!;
    expect((entry.plugin as unknown as { extra: number }).extra).toBe(42);
    const direct = (await import(pathToFileURL(join(root, 'p/index.mjs')).href)) as {
      default: unknown;
    };
    expect(entry.plugin).toBe(direct.default);
  });

  it('reports schema issues, a throwing validator and a bad meta as failures', async () => {
    await writeFiles(root, {
      ...inFolder('p', esmPlugin('p', `export default { nope: 1 };`)),
      ...inFolder('q', esmPlugin('q', undefined, { meta: { priority: 'high' } })),
    });
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) =>
          (value as { greet?: unknown }).greet === undefined
            ? { issues: [{ message: 'Required', path: ['greet'] }] }
            : { value },
      },
    };
    const metaSchema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) =>
          Promise.resolve(
            ['number', 'undefined'].includes(typeof (value as { priority?: unknown }).priority)
              ? { value }
              : { issues: [{ message: 'Expected number', path: [{ key: 'priority' }] }] },
          ),
      },
    };
    const host = makeHost({ validator: schema as never, metaValidator: metaSchema as never });
    const report = await host.reload();
    expect(codes(report.failed)).toEqual(['AUG_VALIDATE_META', 'AUG_VALIDATE_REJECTED']);
    expect(report.failed.find((f) => f.name === 'p')?.message).toContain('greet: Required');
    expect(report.failed.find((f) => f.name === 'q')?.message).toContain(
      'priority: Expected number',
    );

    const throwing = makeHost({
      validator: ((): boolean => {
        throw new Error('validator bug');
      }) as never,
    });
    const thrown = await throwing.reload();
    expect(codes(thrown.failed)).toEqual(['AUG_VALIDATE_THREW', 'AUG_VALIDATE_THREW']);
  });

  it('checks engines.host against hostVersion', async () => {
    await writeFiles(root, {
      ...inFolder(
        'old',
        esmPlugin('old', undefined, { manifest: { engines: { host: '^1.0.0' } } }),
      ),
      ...inFolder(
        'new',
        esmPlugin('new', undefined, { manifest: { engines: { host: '>=2.1.0' } } }),
      ),
    });
    const host = makeHost({ hostVersion: '2.0.0' });
    const report = await host.reload();
    expect(report.added).toEqual([]);
    expect(report.failed.map((f) => [f.name, f.stage, f.code])).toEqual(
      expect.arrayContaining([
        ['old', 'engines', 'AUG_ENGINES_MISMATCH'],
        ['new', 'engines', 'AUG_ENGINES_MISMATCH'],
      ]),
    );
    expect(report.failed[0]?.message).toContain('2.0.0');
    const unchecked = makeHost();
    expect((await unchecked.reload()).added).toEqual(['new', 'old']);
  });
});

describe('reload', () => {
  it('keeps the very same object for an unchanged plugin and reloads a changed one', async () => {
    await writeFiles(root, {
      ...inFolder('a', esmPlugin('a')),
      ...inFolder('b', cjsPlugin('b')),
    });
    const host = makeHost();
    const first = await host.reload();
    expect(first.added).toEqual(['a', 'b']);
    const a1 = host.get('a')!.plugin;
    const snapshot = host.getAll();
    expect(snapshot.every((entry) => Object.isFrozen(entry))).toBe(true);

    await rewrite(join(root, 'b/index.cjs'), `module.exports = { greet: () => 'b v2' };`);
    const second = await host.reload();
    expect(second).toMatchObject({ unchanged: ['a'], updated: ['b'], added: [], removed: [] });
    expect(host.get('a')!.plugin).toBe(a1);
    expect(host.get('b')!.plugin.greet('')).toBe('b v2');
    expect(snapshot.map((e) => e.manifest.name)).toEqual(['a', 'b']);
    expect(snapshot[1]?.plugin.greet('x')).toBe('b greets x');

    await rm(join(root, 'a'), { recursive: true });
    const third = await host.reload();
    expect(third).toMatchObject({ removed: ['a'], unchanged: ['b'] });
    expect(host.get('a')).toBeUndefined();
  });

  it('does not import a failed plugin again until its files change', async () => {
    await writeFiles(root, {
      ...inFolder(
        'bad',
        esmPlugin(
          'bad',
          `globalThis.__augmentImports = (globalThis.__augmentImports ?? 0) + 1; throw new Error('x');`,
        ),
      ),
    });
    const host = makeHost();
    const counter = globalThis as { __augmentImports?: number };
    counter.__augmentImports = 0;
    await host.reload();
    await host.reload();
    const report = await host.reload();
    expect(counter.__augmentImports).toBe(1);
    expect(codes(report.failed)).toEqual(['AUG_LOAD_IMPORT']);
    expect(codes(host.getFailures())).toEqual(['AUG_LOAD_IMPORT']);
    await rewrite(join(root, 'bad/index.mjs'), `export default { greet: () => 'fixed' };`);
    const fixed = await host.reload();
    expect(fixed.added).toEqual(['bad']);
    expect(host.getFailures()).toEqual([]);
  });

  it('runs one follow-up scan for every call made during a scan', async () => {
    await writeFiles(root, inFolder('a', esmPlugin('a')));
    const host = makeHost();
    let scans = 0;
    host.on('reload:start', () => scans++);
    const calls = [host.reload(), host.reload(), host.reload(), host.reload()];
    const reports = await Promise.all(calls);
    expect(scans).toBe(2);
    expect(reports[1]).toBe(reports[2]);
    expect(reports[2]).toBe(reports[3]);
    expect(reports[0]?.added).toEqual(['a']);
    expect(reports[1]?.unchanged).toEqual(['a']);
  });

  it('does not publish an import that settles after the timeout', async () => {
    await writeFiles(
      root,
      inFolder(
        'slow',
        esmPlugin(
          'slow',
          `await new Promise((r) => setTimeout(r, 300));\n${markerSource('slow-settled')}\nexport default { greet: () => 'late' };`,
        ),
      ),
    );
    const settled = markerCount('slow-settled');
    const host = makeHost({ loadTimeoutMs: 50 });
    const report = await host.reload();
    expect(report.failed.map((f) => [f.stage, f.code])).toEqual([['timeout', 'AUG_LOAD_TIMEOUT']]);
    // wait until the import has settled late, then one more turn for the host to see it
    await vi.waitFor(() => {
      expect(markerCount('slow-settled')).toBe(settled + 1);
    }, WAIT);
    await nextTurn();
    expect(host.get('slow')).toBeUndefined();
    expect(host.getAll()).toEqual([]);
  });

  it('loads what esbuild emits for a CommonJS `export default`', async () => {
    const { build } = await import('esbuild');
    await writeFiles(root, {
      'src/plugin.ts': `export default { greet: (w: string) => 'bundled ' + w };\nexport const version = 2;`,
    });
    await build({
      entryPoints: [join(root, 'src/plugin.ts')],
      outfile: join(root, 'bundled/dist/index.cjs'),
      format: 'cjs',
      platform: 'node',
      bundle: true,
      logLevel: 'silent',
    });
    await writeFiles(root, {
      'bundled/plugin.manifest.json': {
        name: 'bundled',
        version: '1.0.0',
        entryPoint: './dist/index.cjs',
      },
    });
    const host = makeHost();
    await host.reload();
    expect(host.get('bundled')?.format).toBe('cjs');
    expect(host.get('bundled')?.plugin.greet('x')).toBe('bundled x');
  });
});

describe('lifecycle', () => {
  it('starts the new version before disposing the old, so readers never see a disposed plugin', async () => {
    await writeFiles(
      root,
      inFolder('svc', cjsPlugin('svc', `module.exports = { v: 1, greet: () => 'v1' };`)),
    );
    const order: string[] = [];
    const disposed = new Set<unknown>();
    const host: PluginHost<Greeter> = makeHost({
      onLoad: async (entry) => {
        await new Promise((r) => setTimeout(r, 5));
        order.push(`load v${(entry.plugin as unknown as { v: number }).v}`);
      },
      onUnload: (entry) => {
        order.push(`unload v${(entry.plugin as unknown as { v: number }).v}`);
        // the registry already serves the successor (or nothing) when onUnload runs
        expect(host.get('svc')?.plugin).not.toBe(entry.plugin);
        disposed.add(entry.plugin);
      },
    });
    const events: string[] = [];
    host.on('plugin:loaded', ({ entry, previous }) =>
      events.push(`loaded ${entry.manifest.name} prev=${String(previous !== undefined)}`),
    );
    host.on('plugin:unloaded', ({ reason }) => events.push(`unloaded ${reason}`));
    await host.reload();
    await rewrite(join(root, 'svc/index.cjs'), `module.exports = { v: 2, greet: () => 'v2' };`);
    await host.reload();
    expect(disposed.has(host.get('svc')!.plugin)).toBe(false);
    await host.close();
    expect(order).toEqual(['load v1', 'load v2', 'unload v1', 'unload v2']);
    expect(events).toEqual([
      'loaded svc prev=false',
      'loaded svc prev=true',
      'unloaded replaced',
      'unloaded closed',
    ]);
    expect(host.getAll()).toEqual([]);
  });

  it('treats a failing onLoad as a load failure and a failing onUnload as an unload failure', async () => {
    await writeFiles(root, inFolder('p', esmPlugin('p')));
    const host = makeHost({
      onLoad: () => {
        throw new Error('cannot start');
      },
    });
    const report = await host.reload();
    expect(report.failed.map((f) => [f.stage, f.code])).toEqual([['load', 'AUG_LOAD_HOOK']]);
    expect(host.get('p')).toBeUndefined();

    const unloading = makeHost({
      onUnload: () => Promise.reject(new Error('cannot stop')),
    });
    await unloading.reload();
    await rm(join(root, 'p'), { recursive: true });
    const removed = await unloading.reload();
    expect(removed.removed).toEqual(['p']);
    expect(removed.failed.map((f) => [f.stage, f.code])).toEqual([['unload', 'AUG_UNLOAD_HOOK']]);
  });

  it('survives throwing listeners and rejects reload after close', async () => {
    await writeFiles(root, inFolder('p', esmPlugin('p')));
    const errors: string[] = [];
    const host = makeHost({ logger: { warn: () => undefined, error: (m) => errors.push(m) } });
    host.on('reload:start', () => {
      throw new Error('listener bug');
    });
    host.on('plugin:loaded', () => {
      throw new Error('listener bug 2');
    });
    let done = false;
    host.once('reload:done', () => (done = true));
    const report = await host.reload();
    expect(report.added).toEqual(['p']);
    expect(done).toBe(true);
    expect(errors).toHaveLength(2);
    await host.close();
    await host.close();
    await expect(host.reload()).rejects.toMatchObject({ code: 'AUG_HOST_CLOSED' });
  });
});

describe('hot path', () => {
  it('hands out the module export itself: no proxy, no wrapper', async () => {
    await writeFiles(root, {
      ...inFolder('e', esmPlugin('e')),
      ...inFolder('c', cjsPlugin('c')),
    });
    const host = makeHost();
    await host.reload();
    const esm = (await import(pathToFileURL(join(root, 'e/index.mjs')).href)) as {
      default: unknown;
    };
    expect(host.get('e')!.plugin).toBe(esm.default);
    const { createRequire } = await import('node:module');
    const cjs: unknown = createRequire(join(root, 'c/index.cjs'))(join(root, 'c/index.cjs'));
    expect(host.get('c')!.plugin).toBe(cjs);
    expect(host.find((m) => m.name === 'c')).toBe(cjs);
    expect(host.find(() => false)).toBeUndefined();
  });

  it('hands each caller an array of its own: sorting or truncating it changes nothing else', async () => {
    await writeFiles(root, {
      ...inFolder('a', esmPlugin('a', undefined, { meta: { priority: 1 } })),
      ...inFolder('b', esmPlugin('b', undefined, { meta: { priority: 3 } })),
      ...inFolder('c', esmPlugin('c', undefined, { meta: { priority: 2 } })),
    });
    const host = makeHost();
    await host.reload();
    // what a JavaScript host writes naturally (the PRD's manifest has a priority)
    const byPriority = host
      .getAll()
      .sort((x, y) => Number(y.manifest.meta['priority']) - Number(x.manifest.meta['priority']));
    expect(byPriority.map((e) => e.manifest.name)).toEqual(['b', 'c', 'a']);
    const other = host.getAll();
    expect(other).not.toBe(byPriority);
    expect(other.map((e) => e.manifest.name)).toEqual(['a', 'b', 'c']);
    other.length = 1;
    other.push(other[0]!);
    expect(host.getAll().map((e) => e.manifest.name)).toEqual(['a', 'b', 'c']);
    expect(host.find(() => true)?.greet('x')).toBe('a greets x');
    expect(host.get('b')?.plugin.greet('x')).toBe('b greets x');
    // the entries are shared and frozen: nobody can change what another caller reads
    expect(host.getAll()[1]).toBe(host.get('b'));
    expect(Object.isFrozen(host.get('b'))).toBe(true);
  });
});

describe('watch', () => {
  it('reloads by itself after a burst of changes, once, and stops on close()', async () => {
    await writeFiles(root, inFolder('a', esmPlugin('a')));
    // quiet time longer than any pause between the burst's writes on a busy machine
    const host = makeHost({ watchDebounceMs: 2_000 });
    await host.reload();
    await host.watch();
    await host.watch(); // idempotent
    const reasons: string[] = [];
    const done = new Promise<void>((resolve) => {
      host.on('reload:done', ({ report }) => {
        if (report.added.includes('b')) resolve();
      });
    });
    host.on('reload:start', ({ reason }) => reasons.push(reason));
    await writeFiles(root, inFolder('b', esmPlugin('b')));
    await done;
    expect(host.get('b')?.plugin.greet('x')).toBe('b greets x');
    expect(reasons).toEqual(['watch']);
    await host.close();
    await expect(host.watch()).rejects.toMatchObject({ code: 'AUG_HOST_CLOSED' });
  });

  it('starts watching on the first reload with `watch: true`', async () => {
    const host = makeHost({ watch: true, watchDebounceMs: 30 });
    await host.reload();
    const loaded = new Promise<string>((resolve) => {
      host.on('plugin:loaded', ({ entry }) => {
        resolve(entry.manifest.name);
      });
    });
    await writeFiles(root, inFolder('late', cjsPlugin('late')));
    expect(await loaded).toBe('late');
  });
});
