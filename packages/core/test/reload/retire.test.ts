// The unload order: dependents before what they depend on, on random DAGs.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { unloadWaves, type Retired } from '../../src/reload/retire.js';
import type { PluginEntry } from '../../src/types.js';

type Entry = PluginEntry<unknown, unknown>;

/** Entries 0..n-1, entry i depending on some entries j < i (a DAG), some of them retired. */
const retiredArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.array(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
      fc.subarray([...Array(n).keys()], { minLength: 1 }),
    ),
  )
  .map(([edges, retiredIndexes]) => {
    const entries: Entry[] = [];
    edges.forEach((targets, i) => {
      const dependencies = Object.fromEntries(
        targets.filter((j) => j < i).map((j) => [`p${String(j)}`, entries[j] as Entry]),
      );
      entries.push({
        manifest: { name: `p${String(i)}`, version: '1.0.0', entryPoint: './i.js', meta: {} },
        plugin: i,
        source: `/f/p${String(i)}`,
        dir: `/f/p${String(i)}`,
        origin: 'directory',
        format: 'esm',
        loadMs: 0,
        dependencies,
      });
    });
    return retiredIndexes.map((i): Retired<unknown, unknown> => ({
      entry: entries[i] as Entry,
      reason: 'closed',
    }));
  });

it('unloads every retired version once, each after the retired versions that depend on it', () => {
  fc.assert(
    fc.property(retiredArb, (retired) => {
      const waves = unloadWaves(retired);
      const order = new Map<Entry, number>();
      waves.forEach((wave, w) => {
        for (const { entry } of wave) order.set(entry, w);
      });
      expect(waves.flat()).toHaveLength(retired.length);
      expect(order.size).toBe(retired.length);
      for (const { entry } of retired) {
        for (const dependency of Object.values(entry.dependencies)) {
          if (order.has(dependency)) {
            expect(order.get(dependency) as number).toBeGreaterThan(order.get(entry) as number);
          }
        }
      }
    }),
    { numRuns: 500 },
  );
});
