// The hand-written fast path of validateManifest must never accept what the
// schema refuses, and must return exactly what the schema returns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastManifest } from '../../src/manifest/fast.js';
import { getManifestSchema } from '../../src/manifest/schema.js';
import { manifestArbitrary } from '../helpers/manifest-arbitrary.js';

/** Compares two manifests: equal values, and the same keys in the same order, top level and `meta`. */
function expectSame(fast: unknown, slow: unknown): void {
  expect(fast).toStrictEqual(slow);
  const keys = (value: unknown): string[] => Object.keys(value as object);
  expect(keys(fast)).toEqual(keys(slow));
  const meta = (value: unknown): unknown => (value as { meta: unknown }).meta;
  expect(keys(meta(fast))).toEqual(keys(meta(slow)));
  expect(Object.getPrototypeOf(meta(fast))).toBe(Object.getPrototypeOf(meta(slow)));
}

describe('fastManifest', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    let accepted = 0;
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
        const slow = getManifestSchema().safeParse(value);
        expect(slow.success).toBe(true);
        expectSame(fast, slow.data);
      }),
      { numRuns: 3000 },
    );
    // not a vacuous pass: the fast path takes a good share of the valid manifests
    expect(accepted / runs).toBeGreaterThan(0.1);
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
});
