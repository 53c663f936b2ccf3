import semverSatisfies from 'semver/functions/satisfies.js';
import { describeError } from '../errors.js';
import type { PluginEntry, PluginFailure } from '../types.js';
import { cycleFailure, unavailableDependency, wrongVersion } from './dependency-failures.js';
import { cyclePath, findCycles } from './graph.js';
import { Groups } from './groups.js';
import type { Published } from './published.js';
import { loopPacer, pause } from '../util/pacer.js';
import type { Publication, ResolvedDependencies, Resolution, ScheduledNode } from './resolution.js';

export { sameDependencies } from './resolution.js';
export type { Publication, ResolvedDependencies, Resolution, ScheduledNode } from './resolution.js';

/**
 * Loads one scan's plugins in dependency order and publishes each as soon
 * as the registry stays consistent with it: every published plugin's
 * dependencies are exactly the published entries of those names. A plugin
 * loaded for the first time is published alone, so its dependents load
 * after it serves; a new version is published in the same swap as the new
 * versions (or the removal) of every plugin loaded against the old one. A
 * plugin that hangs holds back only what depends on it. Linear in names and
 * edges (cycles by Tarjan's algorithm, groups by union-find).
 *
 * @param nodes - every name of the scan: each candidate, and each name that served before
 * @param published - what serves; changed only through `publish`
 * @param publish - announces one publication, right after it is applied to `published`
 * @param failedBefore - plugins that are not in the scan because they failed before it
 *   (an `engines.host` mismatch): their dependents fail with that failure as the cause
 * @returns how each name ended, once every name has
 */
export function runSchedule<T, M>(
  nodes: ReadonlyMap<string, ScheduledNode<T, M>>,
  published: Published<T, M>,
  publish: (members: readonly Publication<T, M>[]) => void,
  failedBefore: ReadonlyMap<string, PluginFailure> = new Map(),
): Promise<Map<string, Resolution<T, M>>> {
  return new Schedule(nodes, published, publish, failedBefore).run();
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_DEPENDENCIES: Readonly<Record<string, never>> = Object.freeze(
  Object.create(null) as Record<string, never>,
);

function isEmpty(map: object): boolean {
  for (const key in map) if (Object.hasOwn(map, key)) return false;
  return true;
}
const NO_EDGES: Readonly<Record<string, unknown>> = Object.freeze({});

class Schedule<T, M> {
  readonly #resolutions = new Map<string, Resolution<T, M>>();
  readonly #waiting = new Map<string, number>();
  readonly #dependents = new Map<string, string[]>();
  readonly #ready: string[] = [];
  readonly #immediate = new Map<string, Resolution<T, M>>();
  readonly #groups: Groups;
  /** True while the rest of the ready nodes wait for the next turn of the loop. */
  #paused = false;
  #done: (value: Map<string, Resolution<T, M>>) => void = () => undefined;
  #fail: (error: unknown) => void = () => undefined;

  constructor(
    private readonly nodes: ReadonlyMap<string, ScheduledNode<T, M>>,
    private readonly published: Published<T, M>,
    private readonly publish: (members: readonly Publication<T, M>[]) => void,
    private readonly failedBefore: ReadonlyMap<string, PluginFailure>,
  ) {
    this.#groups = new Groups();
  }

  run(): Promise<Map<string, Resolution<T, M>>> {
    const result = new Promise<Map<string, Resolution<T, M>>>((resolve, reject) => {
      this.#done = resolve;
      this.#fail = reject;
    });
    this.#plan().then(
      () => {
        this.#drain();
      },
      (error: unknown) => {
        this.#fail(error);
      },
    );
    return result;
  }

  /** Sets up the graph, letting the loop turn between slices of it. */
  async #plan(): Promise<void> {
    const graph = new Map<string, readonly string[]>();
    let edges = 0;
    for (const node of this.nodes.values()) {
      const names = node.immediate === undefined ? this.#edges(node) : NO_NAMES;
      graph.set(node.name, names);
      edges += names.length;
      await pause();
    }
    for (const cycle of edges === 0 ? [] : findCycles(graph)) {
      const path = cyclePath(graph, cycle);
      for (const name of cycle) {
        const node = this.nodes.get(name) as ScheduledNode<T, M>;
        this.#immediate.set(name, {
          entry: undefined,
          failure: cycleFailure(node, path),
          reason: 'dependency',
        });
        graph.set(name, NO_NAMES);
      }
    }
    for (const [name, edges] of graph) {
      this.#waiting.set(name, edges.length);
      for (const dependency of edges) {
        let list = this.#dependents.get(dependency);
        if (list === undefined) this.#dependents.set(dependency, (list = []));
        list.push(name);
      }
      if (edges.length === 0) this.#ready.push(name);
      await pause();
    }
    // started from the end of the list: in the order of the names, so that the
    // registry, kept sorted, mostly appends (a cold load in reverse order made
    // each publication shift every entry published before it)
    this.#ready.reverse();
  }

  /** The names a node waits for: its dependencies in the scan, and those of the entry that serves. */
  #edges(node: ScheduledNode<T, M>): readonly string[] {
    const current = this.published.get(node.name)?.dependencies;
    const lists = [node.requires, node.optional, current ?? NO_EDGES].map((map) =>
      Object.keys(map),
    );
    // most plugins have no dependencies: no set, no copy
    if (lists.every((list) => list.length === 0)) return NO_NAMES;
    const names = new Set(lists.flat());
    return [...names].filter((name) => this.nodes.has(name));
  }

  /**
   * Starts every node that is ready, a slice's worth per turn of the event
   * loop (shared with the loads themselves, through the loop's pacer).
   */
  #drain(): void {
    if (this.#paused) return;
    try {
      while (this.#ready.length > 0) {
        if (loopPacer.spent()) {
          this.#paused = true;
          void loopPacer.turn().then(() => {
            this.#paused = false;
            this.#drain();
          });
          return;
        }
        this.#start(this.#ready.pop() as string);
      }
      if (this.#resolutions.size === this.nodes.size) this.#done(this.#resolutions);
    } catch (error) {
      this.#fail(error);
    }
  }

  #start(name: string): void {
    const node = this.nodes.get(name) as ScheduledNode<T, M>;
    const immediate = this.#immediate.get(name) ?? node.immediate;
    if (immediate !== undefined || node.settle === undefined) {
      this.#finish(name, immediate ?? { entry: undefined });
      return;
    }
    const resolved = this.#resolveDependencies(node);
    if ('failure' in resolved) {
      this.#finish(name, { entry: undefined, failure: resolved.failure, reason: 'dependency' });
      return;
    }
    const outcome = node.settle(resolved.dependencies, () => this.#keepable(node));
    if (!(outcome instanceof Promise)) {
      this.#finish(name, outcome);
      return;
    }
    outcome.then(
      (resolution) => {
        this.#finish(name, resolution);
        this.#drain();
      },
      (error: unknown) => {
        this.#fail(new Error(`loading plugin "${name}" failed: ${describeError(error)}`));
      },
    );
  }

  /** The entries to load a node against, or the failure of a required one. */
  #resolveDependencies(
    node: ScheduledNode<T, M>,
  ): { dependencies: ResolvedDependencies<T, M> } | { failure: PluginFailure } {
    if (isEmpty(node.requires) && isEmpty(node.optional)) return { dependencies: NO_DEPENDENCIES };
    const dependencies = Object.create(null) as Record<string, PluginEntry<T, M>>;
    for (const [name, range] of Object.entries(node.requires)) {
      const resolution = this.#resolutions.get(name);
      const entry = resolution?.entry;
      if (entry === undefined) {
        const before = resolution === undefined ? this.failedBefore.get(name) : undefined;
        const state =
          before !== undefined
            ? ({ why: 'failed', failure: before } as const)
            : resolution === undefined || resolution.reason === 'removed'
              ? ({ why: 'missing' } as const)
              : resolution.reason === 'disabled'
                ? ({ why: 'disabled' } as const)
                : ({ why: 'failed', failure: resolution.failure } as const);
        return { failure: unavailableDependency(node, name, range, state) };
      }
      if (!semverSatisfies(entry.manifest.version, range, { includePrerelease: true })) {
        return { failure: wrongVersion(node, { ...entry.manifest, source: entry.source }, range) };
      }
      dependencies[name] = entry;
    }
    for (const [name, range] of Object.entries(node.optional)) {
      const entry = this.#resolutions.get(name)?.entry;
      if (entry === undefined) continue;
      if (!semverSatisfies(entry.manifest.version, range, { includePrerelease: true })) continue;
      dependencies[name] = entry;
    }
    return { dependencies: Object.freeze(dependencies) };
  }

  /** Whether the entry serving under a node's name was loaded against versions that all still serve. */
  #keepable(node: ScheduledNode<T, M>): boolean {
    const current = this.published.get(node.name);
    if (current === undefined) return false;
    return Object.entries(current.dependencies).every(
      ([name, entry]) =>
        (Object.hasOwn(node.requires, name) || Object.hasOwn(node.optional, name)) &&
        this.#resolutions.get(name)?.entry === entry,
    );
  }

  #finish(name: string, resolution: Resolution<T, M>): void {
    this.#resolutions.set(name, resolution);
    const current = this.published.get(name);
    if (resolution.entry !== current) {
      // whatever was loaded against the old version changes in the same swap
      if (current !== undefined) {
        for (const dependent of this.published.dependentsOf(name)) {
          this.#groups.union(name, dependent);
        }
      }
      // and a new version waits for the versions it was loaded against
      for (const dependency of Object.keys(resolution.entry?.dependencies ?? {})) {
        if (this.#groups.pendingChange(dependency)) this.#groups.union(name, dependency);
      }
      this.#groups.markChanged(name);
    }
    const group = this.#groups.resolve(name);
    const quiet =
      group !== undefined &&
      group.length === 1 &&
      resolution.entry === current &&
      resolution.failure === undefined;
    if (group !== undefined && !quiet) {
      const members = group.map((member) => ({
        name: member,
        resolution: this.#resolutions.get(member) as Resolution<T, M>,
        previous: this.published.get(member),
      }));
      this.published.apply(
        members
          .filter((m) => m.resolution.entry !== m.previous)
          .map((m) => [m.name, m.resolution.entry] as const),
      );
      this.publish(members);
    }
    for (const dependent of this.#dependents.get(name) ?? []) {
      const left = (this.#waiting.get(dependent) as number) - 1;
      this.#waiting.set(dependent, left);
      if (left === 0) this.#ready.push(dependent);
    }
  }
}
