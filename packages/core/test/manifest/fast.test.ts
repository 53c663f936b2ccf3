// The hand-written fast path of validateManifest must never accept what the
// schema refuses, and must return exactly what the schema returns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastManifest } from '../../src/manifest/fast.js';
import { crossFieldIssues } from '../../src/manifest/plugin-dependencies.js';
import { getManifestSchema } from '../../src/manifest/schema.js';
import { manifestArbitrary } from '../helpers/manifest-arbitrary.js';

/**
 * Compares two manifests: equal values, and the same keys in the same order,
 * top level, `meta` and the dependency fields.
 */
function expectSame(fast: unknown, slow: unknown): void {
  expect(fast).toStrictEqual(slow);
  const keys = (value: unknown): string[] => Object.keys(value as object);
  expect(keys(fast)).toEqual(keys(slow));
  for (const field of ['meta', 'pluginDependencies', 'optionalPluginDependencies']) {
    const inner = (value: unknown): unknown => Reflect.get(value as object, field) ?? {};
    expect(keys(inner(fast))).toEqual(keys(inner(slow)));
    expect(Object.getPrototypeOf(inner(fast))).toBe(Object.getPrototypeOf(inner(slow)));
  }
}

describe('fastManifest', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    let accepted = 0;
    let acceptedWithDependencies = 0;
    let runs = 0;
    fc.assert(
      fc.property(manifestArbitrary(), fc.boolean(), fc.boolean(), (generated, viaJson, drop) => {
        // engines always goes to the schema: drop it half the time to test the rest
        const { engines, ...rest } = generated;
        const picked = drop || engines === undefined ? rest : generated;
        // a manifest read from disk is what JSON.parse returns
        const value: unknown = viaJson ? JSON.parse(JSON.stringify(picked)) : picked;
        runs += 1;
        const fast = fastManifest(value);
        if (fast === undefined) return;
        accepted += 1;
        const dependencies = [fast.pluginDependencies, fast.optionalPluginDependencies];
        if (dependencies.some((map) => Object.keys(map ?? {}).length > 0)) {
          acceptedWithDependencies += 1;
        }
        const slow = getManifestSchema().safeParse(value);
        expect(slow.success).toBe(true);
        expect(crossFieldIssues(value)).toEqual([]);
        expectSame(fast, slow.data);
      }),
      { numRuns: 3000 },
    );
    // not a vacuous pass: the fast path takes a good share of the valid
    // manifests (most generated ones break a rule), dependencies included
    expect(accepted / runs).toBeGreaterThan(0.05);
    expect(acceptedWithDependencies / runs).toBeGreaterThan(0.02);
  });

  it('keeps unknown keys after the known ones in their order, and copies meta shallowly', () => {
    const input = JSON.parse(
      '{"zeta":1,"entryPoint":"./a.js","meta":{"b":1,"a":{"x":2}},"version":"1.0.0","extra":[1],"name":"p","description":"d"}',
    ) as { meta: { a: unknown } };
    const fast = fastManifest(input) as unknown as { meta: { a: unknown } };
    const slow = getManifestSchema().parse(input);
    expectSame(fast, slow);
    expect(fast.meta).not.toBe(input.meta);
    expect(fast.meta.a).toBe(input.meta.a);
  });

  it('leaves every unusual shape to the schema', () => {
    const base = { name: 'p', version: '1.0.0', entryPoint: './index.js' };
    const unusual: unknown[] = [
      { ...base, engines: { host: '^1.0.0' } },
      JSON.parse('{"name":"p","version":"1.0.0","entryPoint":"x.js","__proto__":{"a":1}}'),
      { ...base, meta: JSON.parse('{"__proto__":{"a":1}}') as unknown },
      { ...base, meta: Object.create(null) as unknown },
      { ...base, meta: [] },
      { ...base, description: undefined },
      { ...base, [Symbol('s')]: 1 },
      Object.assign(Object.create({ inherited: true }) as object, base),
      new Proxy(base, {
        get() {
          throw new Error('no');
        },
      }),
      { ...base, name: 'x'.repeat(215) },
      { ...base, version: 'v1.0.0' },
      { ...base, entryPoint: '../x.js' },
      { ...base, entryPoint: 'a\\b.js' },
      [base],
      null,
    ];
    for (const value of unusual) expect(fastManifest(value)).toBeUndefined();
  });

  it('takes valid dependency fields, copied in order, and leaves every broken one to the schema', () => {
    const base = { name: 'p', version: '1.0.0', entryPoint: './index.js' };
    const input = JSON.parse(
      '{"name":"p","version":"1.0.0","entryPoint":"./a.js","optionalPluginDependencies":{"z":"*","a":"1.x"},"pluginDependencies":{"@s/b":"^1.2.0","a.b":">=1 <3"}}',
    ) as { pluginDependencies: unknown };
    const fast = fastManifest(input) as unknown as { pluginDependencies: unknown };
    expectSame(fast, getManifestSchema().parse(input));
    expect(fast.pluginDependencies).not.toBe(input.pluginDependencies);
    expect(fastManifest({ ...base, pluginDependencies: {} })).toMatchObject({
      pluginDependencies: {},
    });
    const broken: unknown[] = [
      { ...base, pluginDependencies: { p: '^1.0.0' } },
      { ...base, optionalPluginDependencies: { p: '^1.0.0' } },
      { ...base, pluginDependencies: { q: '1' }, optionalPluginDependencies: { q: '2' } },
      JSON.parse(
        '{"name":"p","version":"1.0.0","entryPoint":"x.js","pluginDependencies":{"__proto__":"1"}}',
      ),
      { ...base, pluginDependencies: { Q: '1' } },
      { ...base, pluginDependencies: { q: 'latest' } },
      { ...base, pluginDependencies: { q: 1 } },
      { ...base, pluginDependencies: [] },
      { ...base, pluginDependencies: Object.create(null) as unknown },
    ];
    for (const value of broken) expect(fastManifest(value)).toBeUndefined();
  });
});
