// Cycles in the dependency graph: Tarjan's strongly connected components
// against a brute-force answer on random graphs, and one readable path
// around each cycle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cyclePath, findCycles, type DependencyGraph } from '../../src/reload/graph.js';

/** Whether `to` can be reached from `from` in one step or more. */
function reaches(graph: DependencyGraph, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length > 0) {
    const node = stack.pop() as string;
    if (node === to) return true;
    if (seen.has(node) || !graph.has(node)) continue;
    seen.add(node);
    stack.push(...(graph.get(node) ?? []));
  }
  return false;
}

const graphArb = fc
  .uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { minLength: 1 })
  .chain((names) =>
    fc
      .array(fc.subarray([...names, 'missing']), {
        minLength: names.length,
        maxLength: names.length,
      })
      .map((edges) => new Map(names.map((name, i) => [name, edges[i] ?? []])) as DependencyGraph),
  );

describe('findCycles', () => {
  it('finds exactly the names that can reach themselves, grouped by cycle', () => {
    fc.assert(
      fc.property(graphArb, (graph) => {
        const cycles = findCycles(graph);
        const inCycle = cycles.flat();
        expect(new Set(inCycle).size).toBe(inCycle.length);
        expect(inCycle.sort()).toEqual(
          [...graph.keys()].filter((n) => reaches(graph, n, n)).sort(),
        );
        for (const cycle of cycles) {
          for (const a of cycle)
            for (const b of cycle) expect(a === b || reaches(graph, a, b)).toBe(true);
          const path = cyclePath(graph, cycle);
          expect(path[0]).toBe(path[path.length - 1]);
          for (let i = 0; i + 1 < path.length; i += 1) {
            expect(graph.get(path[i] as string)).toContain(path[i + 1]);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('walks a chain of 100,000 names without overflowing the stack', () => {
    const graph = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i += 1)
      graph.set(`p${String(i)}`, i === 0 ? [] : [`p${String(i - 1)}`]);
    expect(findCycles(graph)).toEqual([]);
    graph.set('p0', ['p99999']);
    expect(findCycles(graph)[0]).toHaveLength(100_000);
  });

  it('names a self-dependency and a two-plugin cycle by a path', () => {
    const graph = new Map([
      ['a', ['a']],
      ['b', ['c']],
      ['c', ['b']],
    ]);
    const cycles = findCycles(graph).sort((x, y) => x.length - y.length);
    expect(cycles).toEqual([['a'], ['b', 'c']]);
    expect(cyclePath(graph, ['a'])).toEqual(['a', 'a']);
    expect(cyclePath(graph, ['b', 'c'])).toEqual(['b', 'c', 'b']);
  });
});
