// A random world of plugins that depend on each other, changing from scan
// to scan, and the rules for what must serve after each scan: shared by the
// schedule's test on plain data and the host's test on real folders.
import fc from 'fast-check';
import semverSatisfies from 'semver/functions/satisfies.js';
import type { PluginEntry } from '../../src/types.js';

type Entry = PluginEntry<unknown, unknown>;

/** What the end-state check reads: the published entries. */
export interface PublishedView {
  get(name: string): Entry | undefined;
  entries(): Iterable<Entry>;
}

export const NAMES = ['a', 'b', 'c', 'd', 'e'] as const;
export const VERSIONS = ['1.0.0', '1.5.0', '2.0.0'] as const;
const RANGES = ['^1.0.0', '^2.0.0', '*', '>=1.5.0'] as const;

export interface Spec {
  /** Whether it may depend on names after its own (so cycles can happen, rarely). */
  readonly backwards?: boolean;
  readonly version: string;
  readonly requires: Record<string, string>;
  readonly optional: Record<string, string>;
  readonly fails: boolean;
  /** Changes when the plugin's files change. */
  readonly fingerprint: number;
  /** Turns of the loop its load takes. */
  readonly ticks: number;
}

export interface Scan {
  readonly world: ReadonlyMap<string, Spec>;
  readonly disabled: ReadonlySet<string>;
}

const dependencyArb = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...RANGES), {
  maxKeys: 3,
});
const specArb: fc.Arbitrary<Spec> = fc.record({
  backwards: fc.nat(7).map((n) => n === 0),
  version: fc.constantFrom(...VERSIONS),
  requires: dependencyArb,
  optional: dependencyArb,
  fails: fc.nat(4).map((n) => n === 0),
  fingerprint: fc.nat(2),
  ticks: fc.nat(3),
});
/** A first scan: a random set of plugins. */
const firstScanArb: fc.Arbitrary<Scan> = fc
  .record({
    present: fc.subarray([...NAMES], { minLength: 3 }),
    specs: fc.array(specArb, { minLength: NAMES.length, maxLength: NAMES.length }),
    disabled: fc.subarray([...NAMES], { maxLength: 1 }),
  })
  .map(({ present, specs, disabled }) => {
    const world = new Map<string, Spec>();
    for (const name of present) {
      world.set(name, tidy(name, specs[NAMES.indexOf(name)] as Spec));
    }
    return { world, disabled: new Set(disabled) };
  });

/** One change between two scans, as a folder sees them. */
export type Edit =
  | { readonly kind: 'update' | 'add'; readonly name: string; readonly spec: Spec }
  | { readonly kind: 'break' | 'fix' | 'remove' | 'disable' | 'enable'; readonly name: string }
  | {
      readonly kind: 'bump';
      readonly name: string;
      readonly version: string;
      readonly ticks: number;
    };

const nameArb = fc.constantFrom(...NAMES);
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('break' as const, 'fix' as const), name: nameArb }),
  fc.record({
    kind: fc.constant('bump' as const),
    name: nameArb,
    version: fc.constantFrom(...VERSIONS),
    ticks: fc.nat(3),
  }),
  fc.record({
    kind: fc.constantFrom('update' as const, 'add' as const),
    name: nameArb,
    spec: specArb,
  }),
  fc.record({
    kind: fc.constantFrom(
      'break' as const,
      'fix' as const,
      'remove' as const,
      'disable' as const,
      'enable' as const,
    ),
    name: nameArb,
  }),
  fc.record({
    kind: fc.constant('bump' as const),
    name: nameArb,
    version: fc.constantFrom(...VERSIONS),
    ticks: fc.nat(3),
  }),
);

/**
 * What the manifest rules allow: no plugin depends on itself, and a name in
 * both maps is refused (keep it required). Most plugins depend only on names
 * before their own, so most sets are acyclic and most plugins get to load.
 */
function tidy(name: string, spec: Spec): Spec {
  const keep = (n: string): boolean => n !== name && (spec.backwards === true || n < name);
  const requires = Object.fromEntries(Object.entries(spec.requires).filter(([n]) => keep(n)));
  const optional = Object.fromEntries(
    Object.entries(spec.optional).filter(([n]) => keep(n) && !Object.hasOwn(requires, n)),
  );
  return { ...spec, requires, optional };
}

function applyEdits(scan: Scan, edits: readonly Edit[]): Scan {
  const world = new Map(scan.world);
  const disabled = new Set(scan.disabled);
  for (const edit of edits) {
    const spec = world.get(edit.name);
    switch (edit.kind) {
      case 'update':
      case 'add':
        world.set(edit.name, tidy(edit.name, edit.spec));
        break;
      case 'bump':
        if (spec !== undefined) {
          world.set(edit.name, {
            ...spec,
            version: edit.version,
            fingerprint: spec.fingerprint + 1,
            ticks: edit.ticks,
          });
        }
        break;
      case 'break':
      case 'fix':
        if (spec !== undefined) {
          world.set(edit.name, {
            ...spec,
            fails: edit.kind === 'break',
            fingerprint: spec.fingerprint + 1,
          });
        }
        break;
      case 'remove':
        world.delete(edit.name);
        break;
      case 'disable':
        disabled.add(edit.name);
        break;
      case 'enable':
        disabled.delete(edit.name);
        break;
    }
  }
  return { world, disabled };
}

/** A first scan, then scans that each change a few things. */
export const scansArb: fc.Arbitrary<Scan[]> = fc
  .tuple(
    firstScanArb,
    fc.array(fc.array(editArb, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
  )
  .map(([first, batches]) => {
    const scans = [first];
    for (const edits of batches) scans.push(applyEdits(scans[scans.length - 1] as Scan, edits));
    return scans;
  });

/** What must serve after a scan, by the rules, given what served before. */
export function checkEnd(
  published: PublishedView,
  { world, disabled }: Scan,
  before: ReadonlyMap<string, Entry>,
  inCycle: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const entry of published.entries()) {
    const name = entry.manifest.name;
    if (!world.has(name) || disabled.has(name))
      problems.push(`${name} serves but is gone or disabled`);
  }
  for (const [name, spec] of world) {
    if (disabled.has(name)) continue;
    const entry = published.get(name);
    const cycle = inCycle.has(name);
    const requiredServe = Object.entries(spec.requires).every(([dep, range]) => {
      const held = published.get(dep);
      return held !== undefined && semverSatisfies(held.manifest.version, range);
    });
    if (!requiredServe && entry !== undefined)
      problems.push(`${name} serves without its dependencies`);
    if (spec.fails && entry !== undefined && entry !== before.get(name)) {
      problems.push(`${name} failed but a new version serves`);
    }
    if (!spec.fails && !cycle && requiredServe) {
      if (entry === undefined) problems.push(`${name} could load but does not serve`);
      else if (entry.manifest.version !== spec.version)
        problems.push(`${name} serves an old version`);
      else {
        for (const [dep, range] of Object.entries(spec.optional)) {
          const held = published.get(dep);
          const wanted = held !== undefined && semverSatisfies(held.manifest.version, range);
          if (wanted !== Object.hasOwn(entry.dependencies, dep)) {
            problems.push(
              `${name}'s optional ${dep} is ${wanted ? 'missing' : 'there but should not be'}`,
            );
          }
        }
      }
    }
    if (cycle && entry !== undefined) problems.push(`${name} is in a cycle but serves`);
  }
  return problems;
}
