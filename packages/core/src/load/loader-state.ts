/**
 * Process-wide loader state, shared by every copy of `@augment/core` in the
 * process (the ESM and the CJS build, or two versions): it lives on
 * `globalThis` under a registered symbol, so no copy imports an entry with a
 * URL another copy already used, and the resolve hook is registered once.
 *
 * Fields are only ever added, never renamed or repurposed: an older copy may
 * read the object a newer copy created, and the other way round.
 */
export interface LoaderState {
  /** Real paths of ESM entry points already passed to `import()`. */
  esmImported: Set<string>;
  /** Real paths of CJS entry points already passed to `require()`. */
  cjsLoaded: Set<string>;
  /** Last generation number used in a cache-busting query; only grows. */
  generation: number;
  /** Protocol versions of the fresh-import resolve hook already registered. */
  hookProtocols: Set<number>;
}

const STATE_KEY = Symbol.for('augment.loader');

/**
 * Returns the process-wide loader state, creating (or completing) it on first
 * use.
 */
export function getLoaderState(): LoaderState {
  const store = globalThis as unknown as Record<symbol, unknown>;
  const existing = store[STATE_KEY];
  if (typeof existing === 'object' && existing !== null) {
    const state = existing as Partial<LoaderState>;
    state.esmImported ??= new Set();
    state.cjsLoaded ??= new Set();
    state.generation ??= 0;
    state.hookProtocols ??= new Set();
    return state as LoaderState;
  }
  const state: LoaderState = {
    esmImported: new Set(),
    cjsLoaded: new Set(),
    generation: 0,
    hookProtocols: new Set(),
  };
  Object.defineProperty(store, STATE_KEY, { value: state, enumerable: false });
  return state;
}
