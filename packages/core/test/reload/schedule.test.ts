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
import { checkEnd, scansArb, type Scan, type Spec } from '../helpers/dependency-model.js';

type Entry = PluginEntry<string, unknown>;

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
    keepable: () => boolean,
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
        return keepable()
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
function cyclesOf(resolutions: ReadonlyMap<string, Resolution<string, unknown>>): Set<string> {
  return new Set(
    [...resolutions]
      .filter(([, r]) => r.failure?.code === ERROR_CODES.DEPENDENCY_CYCLE)
      .map(([name]) => name),
  );
}

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

describe('the dependency schedule', () => {
  it("keeps a failed update's old version only while what it was loaded against still serves", async () => {
    const base = { optional: {}, fingerprint: 0, ticks: 0 };
    const harness = new Harness();
    const s1: Scan = {
      world: new Map<string, Spec>([
        ['a', { ...base, version: '1.0.0', requires: {}, fails: false }],
        ['b', { ...base, version: '1.0.0', requires: { a: '*' }, fails: false }],
      ]),
      disabled: new Set(),
    };
    const s2: Scan = {
      world: new Map<string, Spec>([
        ['a', { ...base, version: '1.5.0', requires: {}, fails: false }],
        ['b', { ...base, version: '1.0.0', requires: { a: '*' }, fails: true }],
      ]),
      disabled: new Set(),
    };
    await harness.scan(s1, true);
    const before = new Map([...harness.published.entries()].map((e) => [e.manifest.name, e]));
    const r = await harness.scan(s2, false);
    expect(harness.problems).toEqual([]);
    expect(checkEnd(harness.published, s2, before, cyclesOf(r))).toEqual([]);
  });
  it('keeps every publication consistent and ends where the rules say, over random scans', async () => {
    await fc.assert(
      fc.asyncProperty(scansArb, async (scans) => {
        const harness = new Harness();
        for (const [i, scan] of scans.entries()) {
          const before = new Map([...harness.published.entries()].map((e) => [e.manifest.name, e]));
          const resolutions = await harness.scan(scan, i === 0);
          expect(harness.problems).toEqual([]);
          expect(checkEnd(harness.published, scan, before, cyclesOf(resolutions))).toEqual([]);
          expect([...resolutions.keys()].sort()).toEqual(
            [...new Set([...scan.world.keys(), ...before.keys()])].sort(),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
