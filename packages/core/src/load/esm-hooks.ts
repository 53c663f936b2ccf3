import Module from 'node:module';
import { pathToFileURL } from 'node:url';
import { getLoaderState } from './loader-state.js';

/**
 * Fresh ESM re-imports.
 *
 * Node's ESM loader caches a module by its URL for the life of the process,
 * so a plugin is imported again under a new URL: the entry gets the query
 * `?augment=<generation>&augment-root=<plugin root>`. A query on the entry
 * alone would leave its own imports (`./helper.mjs`) cached, so a resolve
 * hook copies that query onto every `file:` URL that a module carrying it
 * resolves inside the same plugin root. Everything else (packages outside the
 * plugin, `node:` builtins, the host's own files) is left alone, so shared
 * modules stay single instances.
 *
 * The hook is stateless: all it needs is in the parent's URL. One
 * registration therefore serves every plugin and every copy of
 * `@augment/core` in the process.
 */

/** Version of the query format the hook understands; bump if it changes. */
const HOOK_PROTOCOL = 1;

/** The part of a resolve result the hook reads; other fields pass through. */
interface ResolvedUrl {
  url: string;
  [key: string]: unknown;
}

/** The part of a resolve context the hook reads. */
interface ResolveContext {
  parentURL?: string | undefined;
  [key: string]: unknown;
}

type SyncResolveHook = (
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context: ResolveContext) => ResolvedUrl,
) => ResolvedUrl;

/** `node:module` as it is at run time: `registerHooks` is missing on Node 20. */
interface ModuleHooksApi {
  registerHooks?: (hooks: { resolve: SyncResolveHook }) => unknown;
  register: (specifier: string) => void;
}

/**
 * Builds the cache-busting query for one fresh import of a plugin.
 *
 * @param generation - a number never used before in this process
 * @param rootDir - the plugin directory's real path
 * @returns the query, without the leading `?`
 */
export function buildFreshQuery(generation: number, rootDir: string): string {
  let root = pathToFileURL(rootDir).pathname;
  if (!root.endsWith('/')) root += '/';
  return `augment=${generation}&augment-root=${encodeURIComponent(root)}`;
}

/**
 * The hook's logic: copies the augment query of `parentURL` onto `resolved`
 * when it is a `file:` URL inside the same plugin root.
 *
 * It must stay self-contained (no imports, no outer variables, no nested
 * functions): its source text is also run on its own in the hooks thread of
 * `module.register`.
 */
export function rewriteResolved(parentURL: string | undefined, resolved: ResolvedUrl): ResolvedUrl {
  if (parentURL === undefined || !parentURL.includes('augment-root=')) return resolved;
  if (!resolved.url.startsWith('file:')) return resolved;
  const params = new URL(parentURL).searchParams;
  const generation = params.get('augment');
  const root = params.get('augment-root');
  if (generation === null || root === null) return resolved;
  const child = new URL(resolved.url);
  if (child.searchParams.has('augment') || !child.pathname.startsWith(root)) return resolved;
  const query = `augment=${encodeURIComponent(generation)}&augment-root=${encodeURIComponent(root)}`;
  child.search = child.search === '' ? query : `${child.search.slice(1)}&${query}`;
  return { ...resolved, url: child.href };
}

/** Synchronous, in-thread resolve hook for `module.registerHooks`. */
const resolveFresh: SyncResolveHook = (specifier, context, nextResolve) =>
  rewriteResolved(context.parentURL, nextResolve(specifier, context));

/**
 * Source of the hooks module for `module.register` (Node 20): the same
 * {@link rewriteResolved}, behind an async `resolve` export.
 */
export function buildHookModuleSource(): string {
  return [
    `const rewriteResolved = ${rewriteResolved.toString()};`,
    'export async function resolve(specifier, context, nextResolve) {',
    '  return rewriteResolved(context.parentURL, await nextResolve(specifier, context));',
    '}',
    '',
  ].join('\n');
}

/**
 * Registers the resolve hook, at most once per process (across all copies of
 * `@augment/core`). Uses `module.registerHooks` (synchronous, in-thread;
 * Node ≥ 22.15 / 23.5) when it exists, and `module.register` only where it
 * does not: Node 26 deprecates `module.register` (DEP0205). Called lazily,
 * on the first fresh import, because hooks registered with `module.register`
 * make every later import in the process go through the hooks thread.
 */
export function ensureFreshHooks(): void {
  const state = getLoaderState();
  if (state.hookProtocols.has(HOOK_PROTOCOL)) return;
  const api = Module as unknown as ModuleHooksApi;
  if (typeof api.registerHooks === 'function') {
    api.registerHooks({ resolve: resolveFresh });
  } else {
    api.register(`data:text/javascript,${encodeURIComponent(buildHookModuleSource())}`);
  }
  state.hookProtocols.add(HOOK_PROTOCOL);
}
