import { ERROR_CODES, LoadError, type AugmentError } from '../errors.js';
import { MANIFEST_FILE } from '../manifest/manifest.js';
import { toFailure } from './failures.js';
import type { PluginFailure } from '../types.js';

/** The plugin a dependency failure is about. */
export interface Dependent {
  /** Its name. */
  readonly name: string;
  /** Its source in the folder. */
  readonly source: string;
}

/** Why a required dependency has no version to offer. */
export type Unavailable =
  | { readonly why: 'missing' }
  | { readonly why: 'disabled' }
  | { readonly why: 'failed'; readonly failure: PluginFailure | undefined };

/**
 * The names from a failed dependency down to where the trouble starts, read
 * from the failure it caused: `["b", "a"]` when "b" failed because "a" did.
 */
const chains = new WeakMap<AugmentError, readonly string[]>();

function fail(
  plugin: Dependent,
  code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES],
  message: string,
  chain: readonly string[],
  cause?: unknown,
): PluginFailure {
  const error = new LoadError(code, message, {
    plugin: plugin.name,
    file: plugin.source,
    ...(cause === undefined ? {} : { cause }),
  });
  chains.set(error, chain);
  return toFailure(plugin.source, plugin.name, 'dependency', error);
}

/** `"c" needs "b", which needs "a"`: the chain from the plugin down. */
function describeChain(plugin: string, chain: readonly string[]): string {
  return [`"${plugin}" needs "${chain[0] ?? ''}"`, ...chain.slice(1).map((n) => `"${n}"`)].join(
    ', which needs ',
  );
}

/**
 * The failure of a plugin whose required dependency `dependency` (wanted in
 * `range`) is missing, switched off, or failed.
 */
export function unavailableDependency(
  plugin: Dependent,
  dependency: string,
  range: string,
  state: Unavailable,
): PluginFailure {
  const below = state.why === 'failed' ? chainOf(state.failure) : undefined;
  const chain = [dependency, ...(below ?? [])];
  const root = chain[chain.length - 1] as string;
  const head = `Plugin "${plugin.name}" (${plugin.source}) is not loaded: ${describeChain(plugin.name, chain)} (${range} in "pluginDependencies")`;
  if (state.why === 'missing') {
    return fail(
      plugin,
      ERROR_CODES.DEPENDENCY_MISSING,
      `${head}, and "${root}" is not in the plugin folder (or is ignored, or its manifest could not be read). Install "${root}" in the folder, or move it to "optionalPluginDependencies" in ${MANIFEST_FILE} if "${plugin.name}" can do without it; "${plugin.name}" loads by itself once it is there.`,
      chain,
    );
  }
  if (state.why === 'disabled') {
    return fail(
      plugin,
      ERROR_CODES.DEPENDENCY_DISABLED,
      `${head}, and "${root}" is switched off (host.disable()). Enable "${root}" with host.enable("${root}"); "${plugin.name}" comes back by itself.`,
      chain,
    );
  }
  const failure = state.failure;
  const what =
    failure === undefined
      ? `"${root}" could not be loaded`
      : `"${root}" failed (${failure.code}${failure.code === ERROR_CODES.DEPENDENCY_CYCLE ? ': a dependency cycle' : ''})`;
  return fail(
    plugin,
    ERROR_CODES.DEPENDENCY_FAILED,
    `${head}, and ${what}. Fix "${root}" (its own failure is reported too, and is this failure's cause); "${plugin.name}" loads by itself once it does.`,
    chain,
    failure?.cause,
  );
}

/** The chain recorded for a dependency failure; `undefined` when the failure is the root. */
function chainOf(failure: PluginFailure | undefined): readonly string[] | undefined {
  if (failure === undefined || failure.stage !== 'dependency') return undefined;
  const chain = chains.get(failure.cause);
  // a cycle is where the trouble starts, not a link to follow
  return failure.code === ERROR_CODES.DEPENDENCY_CYCLE ? undefined : chain;
}

/** The failure of a plugin whose required dependency is there in a version outside the range. */
export function wrongVersion(
  plugin: Dependent & { readonly dir: string },
  dependency: { readonly name: string; readonly version: string; readonly source: string },
  range: string,
): PluginFailure {
  return fail(
    plugin,
    ERROR_CODES.DEPENDENCY_VERSION,
    `Plugin "${plugin.name}" (${plugin.source}) is not loaded: it needs "${dependency.name}" ${range} ("pluginDependencies" in ${plugin.dir}/${MANIFEST_FILE}), but "${dependency.name}" is ${dependency.version} (${dependency.source}). Install a version of "${dependency.name}" inside ${range}, or change the range and rebuild "${plugin.name}".`,
    [dependency.name],
  );
}

/** The failure of each member of a dependency cycle. */
export function cycleFailure(plugin: Dependent, path: readonly string[]): PluginFailure {
  const members = [...new Set(path)].sort().map((n) => `"${n}"`);
  const list =
    members.length === 1
      ? `${members[0] ?? ''} depends on itself`
      : `${members.slice(0, -1).join(', ')} and ${members[members.length - 1] ?? ''} depend on each other`;
  return fail(
    plugin,
    ERROR_CODES.DEPENDENCY_CYCLE,
    `Plugin "${plugin.name}" (${plugin.source}) is not loaded: ${list} in a cycle (${path.join(' -> ')}), so none of them can be loaded first. Break the cycle: move what they share into a plugin they all depend on, or drop one of the dependencies.`,
    [],
  );
}

/**
 * The failure of a loaded plugin that has to go because a plugin it was
 * loaded against changed, and it could not follow: its source cannot be
 * read this time, or its own reload failed.
 */
export function stranded(
  plugin: Dependent,
  changed: readonly string[],
  why: string,
  cause?: PluginFailure,
): PluginFailure {
  const names = changed.map((n) => `"${n}"`).join(', ');
  return fail(
    plugin,
    ERROR_CODES.DEPENDENCY_FAILED,
    `Plugin "${plugin.name}" (${plugin.source}) was unloaded: ${names} changed and ${why}, so it would have held a version that is gone. It loads again by itself at the next reload that can load it.`,
    changed.slice(0, 1),
    cause?.cause,
  );
}
