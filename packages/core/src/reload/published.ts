import { SortedEntries } from './sorted-entries.js';
import type { Manifest, PluginEntry } from '../types.js';

/**
 * The plugins that serve now, by name and in name order, with who depends on
 * whom among them: the registry the host reads (`all()`, `get()`, `find()`).
 * Changed only by {@link Published.apply}, one publication at a time and
 * synchronously, so a reader sees a publication whole or not at all.
 */
export class Published<T, M> {
  readonly #entries = new Map<string, PluginEntry<T, M>>();
  /** For each name, the names of the published plugins loaded against it. */
  readonly #dependents = new Map<string, Set<string>>();
  /** How many published entries load from each directory. */
  readonly #dirs = new Map<string, number>();
  readonly #sorted = new SortedEntries<T, M>();

  /**
   * Every entry, sorted by name, in a new array the caller owns: sorting or
   * truncating it changes nothing another caller sees (a frozen array
   * instead would make a caller's `sort()` throw).
   */
  all(): PluginEntry<T, M>[] {
    return this.#sorted.all();
  }

  /** The first plugin (in name order) whose manifest matches. */
  find(predicate: (manifest: Manifest<M>) => boolean): T | undefined {
    return this.#sorted.find(predicate)?.plugin;
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
      this.#sorted.set(name, entry);
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
    this.#sorted.clear();
  }
}
