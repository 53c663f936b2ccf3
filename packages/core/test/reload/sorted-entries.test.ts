// The registry kept sorted as it changes: random sequences of puts and
// removals against a map sorted on every read.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { SortedEntries } from '../../src/reload/sorted-entries.js';
import { compareStrings } from '../../src/util/compare-strings.js';
import type { PluginEntry } from '../../src/types.js';

type Entry = PluginEntry<number, unknown>;

function entry(name: string, serial: number): Entry {
  return {
    manifest: { name, version: '1.0.0', entryPoint: './i.js', meta: {} },
    plugin: serial,
    source: `/f/${name}`,
    dir: `/f/${name}`,
    origin: 'directory',
    format: 'esm',
    loadMs: 0,
    dependencies: {},
  };
}

const nameArb = fc.constantFrom('a', 'b', 'c', '@s/b', 'a-b', 'aa', 'Z', 'é', 'z', '0');
const stepArb = fc.tuple(nameArb, fc.boolean());

it('lists every entry in name order after any sequence of puts and removals', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
      const sorted = new SortedEntries<number, unknown>();
      const model = new Map<string, Entry>();
      steps.forEach(([name, put], serial) => {
        const value = put ? entry(name, serial) : undefined;
        sorted.set(name, value);
        if (value === undefined) model.delete(name);
        else model.set(name, value);
        const expected = [...model.values()].sort((x, y) =>
          compareStrings(x.manifest.name, y.manifest.name),
        );
        expect(sorted.all()).toEqual(expected);
        expect(sorted.find((m) => m.name.startsWith('a'))).toBe(
          expected.find((e) => e.manifest.name.startsWith('a')),
        );
      });
      const copy = sorted.all();
      copy.length = 0;
      expect(sorted.all()).toHaveLength(model.size);
    }),
    { numRuns: 300 },
  );
});
