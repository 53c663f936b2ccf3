import { Registry } from './registry.js';
import type { PluginEntry } from '../types.js';

/**
 * The plugins that serve now, by name, with who depends on whom among them.
 * Changed only by {@link Published.apply}, one publication at a time; the
 * {@link Registry} readers get is rebuilt on the first read after a change,
 * so a scan that publishes plugin by plugin pays for a snapshot only when
 * someone looks.
 */
export class Published<T, M> {
  readonly #entries = new Map<string, PluginEntry<T, M>>();
  /** For each name, the names of the published plugins loaded against it. */
  readonly #dependents = new Map<string, Set<string>>();
  /** How many published entries load from each directory. */
  readonly #dirs = new Map<string, number>();
  #snapshot: Registry<T, M> | undefined = new Registry<T, M>();

  /** The registry as published now. */
  get registry(): Registry<T, M> {
    this.#snapshot ??= new Registry(this.#entries.values());
    return this.#snapshot;
  }

  /** The entry serving under `name`, if any. */
  get(name: string): PluginEntry<T, M> | undefined {
    return this.#entries.get(name);
  }

  /** Every published entry, in no set order. */
  entries(): IterableIterator<PluginEntry<T, M>> {
    return this.#entries.values();
  }

  /** How many plugins serve. */
  get size(): number {
    return this.#entries.size;
  }

  /** The names of the published plugins whose entry holds `name`'s entry. */
  dependentsOf(name: string): readonly string[] {
    const names = this.#dependents.get(name);
    return names === undefined ? [] : [...names];
  }

  /**
   * Publishes a set of changes at once: each name serves its new entry, or
   * nothing. Synchronous, so no reader sees part of it.
   */
  apply(changes: Iterable<readonly [string, PluginEntry<T, M> | undefined]>): void {
    for (const [name, entry] of changes) {
      const old = this.#entries.get(name);
      if (old !== undefined) {
        for (const dependency of Object.keys(old.dependencies)) {
          this.#dependents.get(dependency)?.delete(name);
        }
        const left = (this.#dirs.get(old.dir) ?? 1) - 1;
        if (left === 0) this.#dirs.delete(old.dir);
        else this.#dirs.set(old.dir, left);
      }
      if (entry === undefined) {
        this.#entries.delete(name);
        continue;
      }
      this.#entries.set(name, entry);
      this.#dirs.set(entry.dir, (this.#dirs.get(entry.dir) ?? 0) + 1);
      for (const dependency of Object.keys(entry.dependencies)) {
        let names = this.#dependents.get(dependency);
        if (names === undefined) {
          names = new Set();
          this.#dependents.set(dependency, names);
        }
        names.add(name);
      }
    }
    this.#snapshot = undefined;
  }

  /** Whether a published plugin loads from `dir`. */
  servesFrom(dir: string): boolean {
    return this.#dirs.has(dir);
  }

  /** Unpublishes everything (for `close()`). */
  clear(): void {
    this.#entries.clear();
    this.#dependents.clear();
    this.#dirs.clear();
    this.#snapshot = undefined;
  }
}
