import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeError } from '../src/errors.js';
import {
  PluginHost,
  isAugmentError,
  type PluginFailure,
  type PluginHostOptions,
} from '../src/index.js';
import { WAIT_FOR_SOURCE, runHost, type HostKind } from './helpers/child.js';
import { makeTempDir, removeDir, writeFiles } from './helpers/fixtures.js';
import { cjsPlugin, esmPlugin, inFolder, type PluginFiles } from './helpers/plugins.js';

/** Every kind of value a plugin or a listener may throw that is hard to describe. */
const KINDS = [
  'null',
  'symbol',
  'null-prototype',
  'self-throwing',
  'revoked-proxy',
  'trap-throwing-proxy',
] as const;
type Kind = (typeof KINDS)[number];

/**
 * A CommonJS module both the plugins and the tests load: `make(kind)` builds
 * a hostile value, `keep(key, value)` remembers the very value a plugin threw
 * or exported (on a global, so every copy of the module shares it).
 */
const VALUES_SOURCE = `'use strict';
const KEPT = Symbol.for('augment.test.kept');
const kept = (globalThis[KEPT] ??= new Map());
// every trap throws, and what it throws is another such proxy
function trapThrowing() {
  const handler = new Proxy({}, { get: () => () => { throw trapThrowing(); } });
  return new Proxy({}, handler);
}
exports.make = (kind) => {
  switch (kind) {
    case 'null': return null;
    case 'symbol': return Symbol('hostile');
    case 'null-prototype': return Object.create(null);
    case 'self-throwing': {
      const value = {};
      for (const key of ['message', 'stack', 'name', 'toString', 'valueOf', 'constructor',
        Symbol.toPrimitive, Symbol.toStringTag]) {
        Object.defineProperty(value, key, { get() { throw value; } });
      }
      return value;
    }
    case 'revoked-proxy': { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; }
    case 'trap-throwing-proxy': return trapThrowing();
    default: throw new Error('unknown kind ' + kind);
  }
};
exports.keep = (key, value) => { kept.set(key, value); return value; };
exports.kept = (key) => kept.get(key);
`;

interface Values {
  make(kind: Kind): unknown;
  keep(key: string, value: unknown): unknown;
  kept(key: string): unknown;
}

let lib: string;
let valuesPath: string;
let values: Values;
let root: string;
let hosts: PluginHost[] = [];

beforeAll(async () => {
  lib = await makeTempDir('hostile-lib');
  valuesPath = join(lib, 'values.cjs');
  await writeFile(valuesPath, VALUES_SOURCE);
  values = createRequire(import.meta.url)(valuesPath) as Values;
});

afterAll(async () => {
  await removeDir(lib);
});

beforeEach(async () => {
  root = await makeTempDir('hostile');
});

afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
  await removeDir(root);
});

const isGreeter = (p: unknown): p is unknown =>
  typeof p === 'object' && p !== null && typeof (p as { greet?: unknown }).greet === 'function';

function makeHost(options: Partial<PluginHostOptions> = {}): PluginHost {
  const host = new PluginHost({ folder: root, validator: isGreeter, logger: false, ...options });
  hosts.push(host);
  return host;
}

/** ESM source that loads the values module as `values`. */
const esmValues = (): string =>
  `import values from ${JSON.stringify(pathToFileURL(valuesPath).href)};\n`;
/** CommonJS source that loads the values module as `values`. */
const cjsValues = (): string => `const values = require(${JSON.stringify(valuesPath)});\n`;

const GOOD: PluginFiles = inFolder('good', esmPlugin('good'));

function failureOf(failures: readonly PluginFailure[], name: string): PluginFailure {
  const failure = failures.find((f) => f.name === name);
  expect(failure, `a failure for ${name}`).toBeDefined();
  return failure!;
}

/** The value the failure wraps: `failure.cause` is the typed error, its `cause` the original. */
const original = (failure: PluginFailure): unknown => (failure.cause as { cause?: unknown }).cause;

/**
 * Asserts that two values are the very same one. Not `toBe`: Vitest asks the
 * expected value whether it is an asymmetric matcher, which a revoked Proxy
 * cannot answer.
 */
/** A promise rejected with `value`, whatever it is. */
function rejectWith(value: unknown): Promise<never> {
  return Promise.resolve().then(() => {
    throw value as Error;
  });
}

function expectSame(actual: unknown, expected: unknown, label: string): void {
  expect(Object.is(actual, expected), label).toBe(true);
}

describe('describeError and isAugmentError', () => {
  it('never throw, whatever the value', () => {
    for (const kind of KINDS) {
      const value = values.make(kind);
      expect(typeof describeError(value), kind).toBe('string');
      expect(isAugmentError(value), kind).toBe(false);
    }
  });
});

describe('a hostile value thrown', () => {
  it('at import (ESM, ESM async, CJS) fails at stage import with the value as cause, every reload', async () => {
    const throwing = (name: string, kind: Kind, how: 'esm' | 'esm-async' | 'cjs'): string => {
      const make = `values.keep(${JSON.stringify(name)}, values.make(${JSON.stringify(kind)}))`;
      if (how === 'cjs') return `${cjsValues()}throw ${make};\n`;
      if (how === 'esm') return `${esmValues()}throw ${make};\nexport default {};\n`;
      return `${esmValues()}await Promise.reject(${make});\nexport default {};\n`;
    };
    const write = async (version: string): Promise<void> => {
      for (const kind of KINDS) {
        await writeFiles(root, {
          ...inFolder(
            `esm-${kind}`,
            esmPlugin(`esm-${kind}`, throwing(`esm-${kind}`, kind, 'esm'), { version }),
          ),
          ...inFolder(
            `async-${kind}`,
            esmPlugin(`async-${kind}`, throwing(`async-${kind}`, kind, 'esm-async'), { version }),
          ),
          ...inFolder(
            `cjs-${kind}`,
            cjsPlugin(`cjs-${kind}`, throwing(`cjs-${kind}`, kind, 'cjs'), { version }),
          ),
        });
      }
    };
    await writeFiles(root, GOOD);
    await write('1.0.0');
    const host = makeHost();
    const check = (failures: readonly PluginFailure[]): void => {
      for (const kind of KINDS) {
        for (const name of [`esm-${kind}`, `async-${kind}`, `cjs-${kind}`]) {
          const failure = failureOf(failures, name);
          expect([name, failure.stage, failure.code]).toEqual([name, 'import', 'AUG_LOAD_IMPORT']);
          // Node's ESM loader itself replaces a Proxy thrown at top level
          // (it reads the error's name to explain it, and a Proxy throws)
          if (name.startsWith('cjs-') || !kind.endsWith('proxy')) {
            expectSame(original(failure), values.kept(name), name);
          }
        }
      }
    };
    const first = await host.reload();
    expect(first.added).toEqual(['good']);
    check(first.failed);
    await write('1.0.1'); // changed files: imported again
    check((await host.reload()).failed);
    check((await host.reload()).failed); // unchanged: the sticky failures
    expect(host.get('good')).toBeDefined();
  });

  it('from a getter of the export the validator reads fails at stage validate', async () => {
    await writeFiles(root, GOOD);
    for (const kind of KINDS) {
      const name = `getter-${kind}`;
      const source = `${esmValues()}export default { get greet() { throw values.keep(${JSON.stringify(name)}, values.make(${JSON.stringify(kind)})); } };\n`;
      await writeFiles(root, inFolder(name, esmPlugin(name, source)));
    }
    const proxy = `${esmValues()}export default values.keep('proxy-export', values.make('trap-throwing-proxy'));\n`;
    await writeFiles(root, inFolder('proxy-export', esmPlugin('proxy-export', proxy)));
    // reading module.exports.__esModule throws too: the export still reaches the validator
    const cjsProxy = `${cjsValues()}module.exports = values.make('trap-throwing-proxy');\n`;
    await writeFiles(root, inFolder('cjs-proxy-export', cjsPlugin('cjs-proxy-export', cjsProxy)));
    const report = await makeHost().reload();
    expect(report.added).toEqual(['good']);
    for (const kind of KINDS) {
      const failure = failureOf(report.failed, `getter-${kind}`);
      expect([kind, failure.stage, failure.code]).toEqual([kind, 'validate', 'AUG_VALIDATE_THREW']);
      expectSame(original(failure), values.kept(`getter-${kind}`), kind);
    }
    for (const name of ['proxy-export', 'cjs-proxy-export']) {
      const proxied = failureOf(report.failed, name);
      expect([name, proxied.stage, proxied.code]).toEqual([name, 'validate', 'AUG_VALIDATE_THREW']);
    }
  });

  it('from onLoad (sync and async) fails at stage load', async () => {
    await writeFiles(root, GOOD);
    for (const kind of KINDS) {
      await writeFiles(root, {
        ...inFolder(`sync-${kind}`, esmPlugin(`sync-${kind}`)),
        ...inFolder(`async-${kind}`, esmPlugin(`async-${kind}`)),
      });
    }
    const onLoad = (entry: { manifest: { name: string } }): Promise<void> | undefined => {
      const { name } = entry.manifest;
      if (name === 'good') return undefined;
      const value = values.keep(name, values.make(name.replace(/^(a?sync)-/, '') as Kind));
      if (name.startsWith('async-')) return rejectWith(value);
      throw value as Error;
    };
    const host = makeHost({ onLoad });
    const report = await host.reload();
    expect(report.added).toEqual(['good']);
    for (const kind of KINDS) {
      for (const name of [`sync-${kind}`, `async-${kind}`]) {
        const failure = failureOf(report.failed, name);
        expect([name, failure.stage, failure.code]).toEqual([name, 'load', 'AUG_LOAD_HOOK']);
        expectSame(original(failure), values.kept(name), name);
      }
    }
    await expect(host.reload()).resolves.toMatchObject({ unchanged: ['good'] });
  });

  it('from onUnload (sync and async) fails at stage unload; later reloads and close() settle', async () => {
    await writeFiles(root, GOOD);
    const names = KINDS.flatMap((kind) => [`sync-${kind}`, `async-${kind}`]);
    for (const name of names) await writeFiles(root, inFolder(name, esmPlugin(name)));
    const onUnload = (entry: { manifest: { name: string } }): Promise<void> | undefined => {
      const { name } = entry.manifest;
      if (name === 'good') return undefined;
      const value = values.keep(name, values.make(name.replace(/^(a?sync)-/, '') as Kind));
      if (name.startsWith('async-')) return rejectWith(value);
      throw value as Error;
    };
    const host = makeHost({ onUnload });
    expect((await host.reload()).added).toHaveLength(names.length + 1);
    for (const name of names) await removeDir(join(root, name));
    const report = await host.reload();
    expect(report.removed).toEqual([...names].sort());
    for (const name of names) {
      const failure = failureOf(report.failed, name);
      expect([name, failure.stage, failure.code]).toEqual([name, 'unload', 'AUG_UNLOAD_HOOK']);
      expectSame(original(failure), values.kept(name), name);
    }
    await expect(host.reload()).resolves.toMatchObject({ unchanged: ['good'] });
    await expect(host.close()).resolves.toBeUndefined();
  });

  it('from listeners (sync, async, foreign and hand-made thenables) is logged; reloads go on', async () => {
    await writeFiles(root, {
      ...GOOD,
      ...inFolder('broken', esmPlugin('broken', 'export default {};\n')),
    });
    const errors: string[] = [];
    const host = makeHost({
      logger: { warn: () => undefined, error: (message) => errors.push(message) },
    });
    host.setMaxListeners(0);
    const events = ['plugin:loaded', 'plugin:failed', 'reload:done'] as const;
    let listeners = 0;
    for (const event of events) {
      for (const kind of KINDS) {
        const styles: (() => unknown)[] = [
          () => {
            throw values.make(kind) as Error;
          },
          () => rejectWith(values.make(kind)),
          () => runInNewContext('Promise.reject(value)', { value: values.make(kind) }) as unknown,
          () => ({
            then: (_: unknown, reject: (reason: unknown) => void) => {
              reject(values.make(kind));
            },
          }),
          () => ({
            get then(): never {
              throw values.make(kind) as Error;
            },
          }),
        ];
        for (const style of styles) {
          host.on(event, style);
          listeners += 1;
        }
      }
    }
    const first = await host.reload();
    expect(first.added).toEqual(['good']);
    expect(failureOf(first.failed, 'broken').code).toBe('AUG_VALIDATE_REJECTED');
    await vi.waitFor(
      () => {
        expect(errors).toHaveLength(listeners);
      },
      { timeout: 20_000 },
    );
    await writeFiles(root, inFolder('good', esmPlugin('good', undefined, { version: '1.0.1' })));
    const second = await host.reload();
    expect(second.updated).toEqual(['good']);
    // plugin:loaded and reload:done again (the standing failure is not reported twice)
    const again = listeners + (listeners * 2) / 3;
    await vi.waitFor(
      () => {
        expect(errors).toHaveLength(again);
      },
      { timeout: 20_000 },
    );
  });
});

describe('a thenable export', () => {
  it('is never awaited: the registry and the validator get the module’s own export', async () => {
    const exporting = (name: string, expression: string): string =>
      `${esmValues()}import vm from 'node:vm';\nexport default values.keep(${JSON.stringify(name)}, ${expression});\n`;
    await writeFiles(root, {
      ...inFolder(
        'resolved',
        esmPlugin('resolved', exporting('resolved', `Promise.resolve({ greet: () => 'x' })`)),
      ),
      ...inFolder('pending', esmPlugin('pending', exporting('pending', 'new Promise(() => {})'))),
      ...inFolder(
        'hand-made',
        esmPlugin('hand-made', exporting('hand-made', '{ then(resolve) { resolve(1); } }')),
      ),
      ...inFolder(
        'foreign',
        esmPlugin('foreign', exporting('foreign', `vm.runInNewContext('Promise.resolve(1)')`)),
      ),
      ...inFolder(
        'cjs-pending',
        cjsPlugin(
          'cjs-pending',
          `${cjsValues()}module.exports = values.keep('cjs-pending', { then() {} });\n`,
        ),
      ),
    });
    const seen: unknown[] = [];
    const host = makeHost({
      // long enough never to be reached: nothing here may wait for the thenables
      loadTimeoutMs: 20_000,
      validator: (plugin: unknown): plugin is unknown => {
        seen.push(plugin);
        return true;
      },
    });
    const names = ['cjs-pending', 'foreign', 'hand-made', 'pending', 'resolved'];
    const report = await host.reload();
    expect(report.failed).toEqual([]);
    expect(report.added).toEqual(names);
    for (const name of names) {
      expect(host.get(name)?.plugin, name).toBe(values.kept(name));
      expect(seen, name).toContain(values.kept(name));
    }
    await expect(host.reload()).resolves.toMatchObject({ unchanged: names });
    await expect(host.close()).resolves.toBeUndefined();
  }, 60_000);

  it('as a `then` export of an ES module fails at import, or times out when it never calls back', async () => {
    await writeFiles(root, {
      ...GOOD,
      ...inFolder(
        'then-export',
        esmPlugin(
          'then-export',
          `export function then(resolve) { resolve({ greet: () => 'not the module' }); }\n`,
        ),
      ),
    });
    const report = await makeHost().reload();
    expect(report.added).toEqual(['good']);
    const failure = failureOf(report.failed, 'then-export');
    expect([failure.stage, failure.code]).toEqual(['import', 'AUG_LOAD_IMPORT']);

    await removeDir(root);
    await writeFiles(
      root,
      inFolder('then-silent', esmPlugin('then-silent', 'export function then() {}\n')),
    );
    const silent = await makeHost({ loadTimeoutMs: 300 }).reload();
    const timeout = failureOf(silent.failed, 'then-silent');
    expect([timeout.stage, timeout.code]).toEqual(['timeout', 'AUG_LOAD_TIMEOUT']);
  });
});

describe('a type guard that returns a value that cannot be described', () => {
  it('rejects the plugin (the guard did not return true), naming the value as best it can', async () => {
    await writeFiles(root, inFolder('p', esmPlugin('p')));
    const report = await makeHost({
      validator: ((): unknown => values.make('null-prototype')) as unknown as (
        p: unknown,
      ) => p is unknown,
    }).reload();
    const failure = failureOf(report.failed, 'p');
    expect([failure.stage, failure.code]).toEqual(['validate', 'AUG_VALIDATE_REJECTED']);
  });
});

describe('a Standard Schema whose validate() returns a thenable', () => {
  const schemaOf = (validate: (value: unknown) => unknown): PluginHostOptions['validator'] =>
    ({ '~standard': { version: 1, vendor: 'test', validate } }) as PluginHostOptions['validator'];
  const modeOf = (value: unknown): unknown => (value as { mode?: unknown }).mode;

  it('is awaited like a promise and fails closed', async () => {
    for (const mode of ['ok', 'issues', 'rejects', 'foreign-issues', 'throwing-then']) {
      await writeFiles(
        root,
        inFolder(mode, esmPlugin(mode, `export default { mode: '${mode}' };\n`)),
      );
    }
    const validator = schemaOf((value) => {
      switch (modeOf(value)) {
        case 'ok':
          return {
            then: (resolve: (r: unknown) => void) => {
              resolve({ value });
            },
          };
        case 'issues':
          return {
            then: (resolve: (r: unknown) => void) => {
              resolve({ issues: [{ message: 'no' }] });
            },
          };
        case 'rejects':
          return {
            then: (_: unknown, reject: (r: unknown) => void) => {
              reject(values.make('null-prototype'));
            },
          };
        case 'foreign-issues':
          return runInNewContext(`Promise.resolve({ issues: [{ message: 'no' }] })`) as unknown;
        default:
          return {
            get then(): never {
              throw values.make('trap-throwing-proxy') as Error;
            },
          };
      }
    });
    const report = await makeHost({ validator, loadTimeoutMs: 20_000 }).reload();
    expect(report.added).toEqual(['ok']);
    const outcome: unknown = Object.fromEntries(
      report.failed.map((f) => [f.name, [f.stage, f.code]]),
    );
    expect(outcome).toEqual({
      issues: ['validate', 'AUG_VALIDATE_REJECTED'],
      'foreign-issues': ['validate', 'AUG_VALIDATE_REJECTED'],
      rejects: ['validate', 'AUG_VALIDATE_THREW'],
      'throwing-then': ['validate', 'AUG_VALIDATE_THREW'],
    });
  }, 60_000);

  it('times out within loadTimeoutMs when it never settles', async () => {
    await writeFiles(root, inFolder('pending', esmPlugin('pending')));
    const validator = schemaOf(() => ({ then: () => undefined }));
    const report = await makeHost({ validator, loadTimeoutMs: 300 }).reload();
    const failure = failureOf(report.failed, 'pending');
    expect([failure.stage, failure.code]).toEqual(['timeout', 'AUG_LOAD_TIMEOUT']);
    expect(report.added).toEqual([]);
  });
});

const WAIT_FOR = `${WAIT_FOR_SOURCE}
const manifest = (name, entryPoint) => JSON.stringify({ name, version: '1.0.0', entryPoint });
`;

describe.each<HostKind>(['esm', 'cjs'])('in a child process (%s host)', (kind) => {
  it('watch mode survives plugins and listeners that throw trap-throwing proxies', async () => {
    const run = await runHost(
      root,
      `${WAIT_FOR}
// every trap throws, and what it throws is another such proxy
const evil = () => new Proxy({}, new Proxy({}, { get: () => () => { throw evil(); } }));
globalThis.evil = evil;
touch('plugins/good/index.mjs', "export default { greet: () => 'good' };");
touch('plugins/good/plugin.manifest.json', manifest('good', './index.mjs'));
const host = new core.PluginHost({ folder: 'plugins', watch: true, watchDebounceMs: 50, logger: false });
host.on('plugin:failed', () => { throw evil(); });
host.on('plugin:failed', async () => { throw evil(); });
host.on('reload:done', () => { throw evil(); });
host.on('reload:done', () => Promise.reject(evil()));
await host.reload();
const failedAt = (name) => host.getFailures().find((f) => f.name === name && f.stage === 'import');

touch('plugins/bad-esm/index.mjs', 'throw globalThis.evil();');
touch('plugins/bad-esm/plugin.manifest.json', manifest('bad-esm', './index.mjs'));
await waitFor('bad-esm to fail', () => failedAt('bad-esm'));
touch('plugins/bad-cjs/index.cjs', 'throw globalThis.evil();');
touch('plugins/bad-cjs/plugin.manifest.json', manifest('bad-cjs', './index.cjs'));
touch('plugins/second/index.mjs', "export default { greet: () => 'second' };");
touch('plugins/second/plugin.manifest.json', manifest('second', './index.mjs'));
await waitFor('bad-cjs to fail and second to load', () => failedAt('bad-cjs') && host.get('second'));

const failures = host.getFailures().map((f) => [f.name, f.stage, f.code]).sort();
const loaded = host.getAll().map((e) => e.manifest.name);
const manual = await host.reload();
await host.close();
done({ failures, loaded, unchanged: manual.unchanged });`,
      { kind, timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      failures: [
        ['bad-cjs', 'import', 'AUG_LOAD_IMPORT'],
        ['bad-esm', 'import', 'AUG_LOAD_IMPORT'],
      ],
      loaded: ['good', 'second'],
      unchanged: ['good', 'second'],
    });
  }, 90_000);

  it('an unhandled error left by a plugin’s import crashes a host without a handler, not one with it', async () => {
    await writeFiles(root, {
      ...inFolder('plugins/good', esmPlugin('good')),
      ...inFolder(
        'plugins/stray-rejection',
        esmPlugin(
          'stray-rejection',
          "Promise.reject(new Error('stray rejection'));\nexport default { greet: () => 'r' };\n",
        ),
      ),
      ...inFolder(
        'plugins/stray-throw',
        cjsPlugin(
          'stray-throw',
          "process.nextTick(() => { throw new Error('stray throw'); });\nmodule.exports = { greet: () => 't' };\n",
        ),
      ),
    });
    const body = (handlers: boolean): string => `${WAIT_FOR}
const seen = [];
${
  handlers
    ? `process.on('unhandledRejection', (reason) => { seen.push(reason.message); });
process.on('uncaughtException', (error) => { seen.push(error.message); });`
    : ''
}
const host = new core.PluginHost({ folder: 'plugins', logger: false });
const report = await host.reload();
await waitFor('both stray errors', () => seen.length === 2);
await host.close();
done({ added: report.added, seen: seen.sort() });`;

    const unguarded = await runHost(root, body(false), { kind });
    expect(unguarded.code).not.toBe(0);
    expect(unguarded.result).toBeUndefined();
    expect(unguarded.stderr).toMatch(/stray (rejection|throw)/);

    const guarded = await runHost(root, body(true), { kind });
    expect(guarded.code, guarded.stderr).toBe(0);
    expect(guarded.result).toEqual({
      added: ['good', 'stray-rejection', 'stray-throw'],
      seen: ['stray rejection', 'stray throw'],
    });
  }, 90_000);
});
