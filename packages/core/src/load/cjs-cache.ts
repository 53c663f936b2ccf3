import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

/**
 * Purging a plugin's CommonJS modules from `require.cache`.
 *
 * Deleting the cache entries is not enough to free them: every module that
 * required one lists it in its `children` array, so the parent would keep
 * each old version alive. Pruning `children` lets the old versions go.
 */

/** The fields of a CJS module this file uses. */
interface CachedModule {
  children: CachedModule[];
}

/**
 * Tells whether `file` is `dir` itself or lies below it.
 *
 * @param file - an absolute path
 * @param dir - an absolute path, without a trailing separator
 */
export function isInsideDir(file: string, dir: string): boolean {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  return file === dir || file.startsWith(prefix);
}

/**
 * Removes every module below `dir` from `require.cache` and from the
 * `children` of every module that remains, so that the next `require()`
 * evaluates them again and the old versions can be garbage-collected.
 *
 * @param dir - the plugin directory's real path (cache keys are real paths)
 * @returns how many modules were removed
 */
export function purgeCjsModules(dir: string): number {
  return purgeCjsModulesIn([dir]);
}

/**
 * {@link purgeCjsModules} for many directories in one pass over
 * `require.cache`: unloading thousands of plugins one directory at a time
 * would read the whole cache once per plugin (seconds at 5,000 plugins, with
 * the event loop blocked).
 *
 * @param dirs - real paths of plugin directories
 * @returns how many modules were removed
 */
export function purgeCjsModulesIn(dirs: Iterable<string>): number {
  const roots = new Set<string>();
  for (const dir of dirs) roots.add(dir.endsWith(sep) && dir.length > 1 ? dir.slice(0, -1) : dir);
  if (roots.size === 0) return 0;
  const cache = requireCache() as Record<string, CachedModule | undefined>;
  const removed = new Set<CachedModule>();
  for (const [file, cached] of Object.entries(cache)) {
    if (cached !== undefined && isBelowAny(file, roots)) {
      removed.add(cached);
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing a cache entry is the point
      delete cache[file];
    }
  }
  if (removed.size === 0) return 0;
  for (const cached of Object.values(cache)) {
    if (cached !== undefined) pruneChildren(cached, removed);
  }
  // A parent outside the cache (a createRequire() module) still lists its child.
  if (!pendingDeprecationEnabled()) {
    for (const cached of removed) {
      const parent = readParent(cached);
      if (parent !== undefined && !removed.has(parent)) pruneChildren(parent, removed);
    }
  }
  return removed.size;
}

/** Whether `file` is one of `roots` or lies below one: one set lookup per folder of its path. */
function isBelowAny(file: string, roots: ReadonlySet<string>): boolean {
  let path = file;
  for (;;) {
    if (roots.has(path)) return true;
    const cut = path.lastIndexOf(sep);
    if (cut <= 0) return cut === 0 && roots.has(sep);
    path = path.slice(0, cut);
  }
}

let cacheOwner: NodeJS.Require | undefined;

/**
 * `require.cache`: every require function shares one cache (`Module._cache`),
 * from the ESM and the CJS build alike.
 */
export function requireCache(): Record<string, unknown> {
  cacheOwner ??= createRequire(join(process.cwd(), 'noop.js'));
  return cacheOwner.cache;
}

/** Removes the `removed` modules from `module.children`, in place. */
function pruneChildren(module: CachedModule, removed: ReadonlySet<CachedModule>): void {
  const { children } = module;
  if (!Array.isArray(children)) return;
  let kept = 0;
  for (const child of children) {
    if (!removed.has(child)) children[kept++] = child;
  }
  children.length = kept;
}

/**
 * Reads `module.parent`. Its getter is a pending deprecation (DEP0144): it
 * warns only under `--pending-deprecation`, when it is not called at all.
 */
function readParent(module: CachedModule): CachedModule | undefined {
  const parent: unknown = (module as { parent?: unknown }).parent;
  return typeof parent === 'object' && parent !== null ? (parent as CachedModule) : undefined;
}

/** Tells whether Node runs with `--pending-deprecation` (flag, NODE_OPTIONS or env). */
function pendingDeprecationEnabled(): boolean {
  const flag = '--pending-deprecation';
  return (
    process.execArgv.includes(flag) ||
    (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(flag) ||
    process.env['NODE_PENDING_DEPRECATION'] === '1'
  );
}
