// The dependency schedule on plain data, without a host: random plugin sets
// (DAGs, cycles, wrong versions, failures, slow loads) over several scans,
// with every publication checked as it happens: the published set always
// satisfies every required dependency, nobody holds a version that stopped
// serving, and the end state is what the rules say.
import fc from 'fast-check';
import semverSatisfies from 'semver/functions/satisfies.js';
import { describe, expect, it } from 'vitest';
import { Published } from '../../src/reload/published.js';
import {
  runSchedule,
  sameDependencies,
  type Publication,
  type ResolvedDependencies,
  type Resolution,
  type ScheduledNode,
} from '../../src/reload/schedule.js';
import type { PluginEntry, PluginFailure } from '../../src/types.js';
import { ERROR_CODES, LoadError } from '../../src/errors.js';

type Entry = PluginEntry<string, unknown>;

const NAMES = ['a', 'b', 'c', 'd', 'e'] as const;
const VERSIONS = ['1.0.0', '1.5.0', '2.0.0'] as const;
const RANGES = ['^1.0.0', '^2.0.0', '*', '>=1.5.0'] as const;

interface Spec {
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

interface Scan {
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
type Edit =
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
 * A name in both maps is refused by the manifest rules: keep it required.
 * Most plugins depend only on names before their own, so most sets are
 * acyclic and most plugins get to load.
 */
function tidy(name: string, spec: Spec): Spec {
  const keep = (n: string): boolean => spec.backwards === true || n < name;
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
const scansArb: fc.Arbitrary<Scan[]> = fc
  .tuple(
    firstScanArb,
    fc.array(fc.array(editArb, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
  )
  .map(([first, batches]) => {
    const scans = [first];
    for (const edits of batches) scans.push(applyEdits(scans[scans.length - 1] as Scan, edits));
    return scans;
  });

async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Runs scans one after another against one published set, checking as it goes. */
class Harness {
  readonly published = new Published<string, unknown>();
  readonly fingerprints = new WeakMap<Entry, string>();
  /** Versions that stopped serving (their onUnload would have run). */
  readonly retired = new WeakSet<Entry>();
  readonly problems: string[] = [];
  #serial = 0;

  async scan(
    { world, disabled }: Scan,
    initial: boolean,
  ): Promise<Map<string, Resolution<string, unknown>>> {
    const before = new Map([...this.published.entries()].map((e) => [e.manifest.name, e]));
    const nodes = new Map<string, ScheduledNode<string, unknown>>();
    for (const [name, spec] of world) {
      if (disabled.has(name)) {
        nodes.set(name, off(name, 'disabled'));
        continue;
      }
      nodes.set(name, {
        name,
        source: `/f/${name}`,
        dir: `/f/${name}`,
        requires: spec.requires,
        optional: spec.optional,
        settle: (deps, keepable) => this.#settle(name, spec, deps, keepable, initial),
      });
    }
    for (const name of before.keys()) {
      if (!nodes.has(name)) nodes.set(name, off(name, disabled.has(name) ? 'disabled' : 'removed'));
    }
    return runSchedule(nodes, this.published, (members) => {
      this.#check(members);
    });
  }

  #settle(
    name: string,
    spec: Spec,
    deps: ResolvedDependencies<string, unknown>,
    keepable: boolean,
    initial: boolean,
  ): Resolution<string, unknown> | Promise<Resolution<string, unknown>> {
    const previous = this.published.get(name);
    if (
      previous !== undefined &&
      this.fingerprints.get(previous) === fingerprintOf(spec) &&
      sameDependencies(previous.dependencies, deps)
    ) {
      return { entry: previous };
    }
    for (const [dep, entry] of Object.entries(deps)) {
      if (this.retired.has(entry)) this.problems.push(`${name} loads against retired ${dep}`);
      if (initial && this.published.get(dep) !== entry) {
        this.problems.push(`${name} loads before its dependency ${dep} is published`);
      }
    }
    return ticks(spec.ticks).then((): Resolution<string, unknown> => {
      if (spec.fails) {
        const failure = failureOf(name);
        return keepable
          ? { entry: previous, failure }
          : { entry: undefined, failure, reason: 'dependency' };
      }
      this.#serial += 1;
      const entry: Entry = Object.freeze({
        manifest: {
          name,
          version: spec.version,
          entryPoint: './index.js',
          meta: {},
          pluginDependencies: spec.requires,
          optionalPluginDependencies: spec.optional,
        },
        plugin: `${name}#${String(this.#serial)}`,
        source: `/f/${name}`,
        dir: `/f/${name}`,
        origin: 'directory',
        format: 'esm',
        loadMs: 0,
        dependencies: deps,
      });
      this.fingerprints.set(entry, fingerprintOf(spec));
      return { entry };
    });
  }

  /** The invariants, right after a publication was applied. */
  #check(members: readonly Publication<string, unknown>[]): void {
    for (const { resolution, previous } of members) {
      if (previous !== undefined && resolution.entry !== previous) this.retired.add(previous);
    }
    for (const entry of this.published.entries()) {
      const name = entry.manifest.name;
      if (this.retired.has(entry)) this.problems.push(`retired ${name} is published`);
      for (const [dep, held] of Object.entries(entry.dependencies)) {
        if (this.published.get(dep) !== held)
          this.problems.push(`${name} holds a ${dep} that is not the published one`);
        if (this.retired.has(held)) this.problems.push(`${name} holds retired ${dep}`);
      }
      for (const [dep, range] of Object.entries(entry.manifest.pluginDependencies ?? {})) {
        const held = entry.dependencies[dep];
        if (held === undefined) this.problems.push(`${name} is published without required ${dep}`);
        else if (!semverSatisfies(held.manifest.version, range)) {
          this.problems.push(`${name} holds ${dep} ${held.manifest.version} outside ${range}`);
        }
      }
    }
  }
}

/** What changes when any file of the plugin does. */
function fingerprintOf(spec: Spec): string {
  return JSON.stringify([spec.fingerprint, spec.version, spec.requires, spec.optional, spec.fails]);
}

function off(name: string, reason: 'removed' | 'disabled'): ScheduledNode<string, unknown> {
  return {
    name,
    source: `/f/${name}`,
    dir: `/f/${name}`,
    requires: {},
    optional: {},
    immediate: { entry: undefined, reason },
  };
}

function failureOf(name: string): PluginFailure {
  const error = new LoadError(ERROR_CODES.LOAD_IMPORT, `${name} broke`, { plugin: name });
  return {
    source: `/f/${name}`,
    name,
    stage: 'import',
    code: error.code,
    message: error.message,
    cause: error,
  };
}

/** What must serve after a scan, by the rules, given what served before. */
function checkEnd(
  harness: Harness,
  { world, disabled }: Scan,
  before: ReadonlyMap<string, Entry>,
  resolutions: ReadonlyMap<string, Resolution<string, unknown>>,
): string[] {
  const problems: string[] = [];
  const published = harness.published;
  for (const entry of published.entries()) {
    const name = entry.manifest.name;
    if (!world.has(name) || disabled.has(name))
      problems.push(`${name} serves but is gone or disabled`);
  }
  for (const [name, spec] of world) {
    if (disabled.has(name)) continue;
    const entry = published.get(name);
    const cycle = resolutions.get(name)?.failure?.code === ERROR_CODES.DEPENDENCY_CYCLE;
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

describe('the dependency schedule', () => {
  it("keeps a failed update's old version only while what it was loaded against still serves", async () => {
    const base = { optional: {}, fingerprint: 0, ticks: 0 };
    const harness = new Harness();
    const s1: Scan = {
      world: new Map([
        ['a', { ...base, version: '1.0.0', requires: {}, fails: false }],
        ['b', { ...base, version: '1.0.0', requires: { a: '*' }, fails: false }],
      ]),
      disabled: new Set(),
    };
    const s2: Scan = {
      world: new Map([
        ['a', { ...base, version: '1.5.0', requires: {}, fails: false }],
        ['b', { ...base, version: '1.0.0', requires: { a: '*' }, fails: true }],
      ]),
      disabled: new Set(),
    };
    await harness.scan(s1, true);
    const before = new Map([...harness.published.entries()].map((e) => [e.manifest.name, e]));
    const r = await harness.scan(s2, false);
    expect(harness.problems).toEqual([]);
    expect(checkEnd(harness, s2, before, r)).toEqual([]);
  });
  it('keeps every publication consistent and ends where the rules say, over random scans', async () => {
    await fc.assert(
      fc.asyncProperty(scansArb, async (scans) => {
        const harness = new Harness();
        for (const [i, scan] of scans.entries()) {
          const before = new Map([...harness.published.entries()].map((e) => [e.manifest.name, e]));
          const resolutions = await harness.scan(scan, i === 0);
          expect(harness.problems).toEqual([]);
          expect(checkEnd(harness, scan, before, resolutions)).toEqual([]);
          expect([...resolutions.keys()].sort()).toEqual(
            [...new Set([...scan.world.keys(), ...before.keys()])].sort(),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
