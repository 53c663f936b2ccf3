/** A visitor, as the host knows them when it asks its greeters for a greeting. */
export interface Visitor {
  /** The visitor's display name, e.g. `'Ada'`. */
  readonly name: string;
  /** How many times the visitor has come, this visit included: `1` on a first visit. */
  readonly visits: number;
  /** Milliseconds since the visitor's previous visit; `undefined` on a first visit. */
  readonly sinceLastVisitMs?: number | undefined;
}

/**
 * The greeters a plugin depends on, by plugin name: what the host hands to
 * {@link Greeter.uses}. A name is there when it is one of the plugin's
 * `pluginDependencies`, or one of its `optionalPluginDependencies` that loaded.
 */
export type GreeterDependencies = Readonly<Record<string, Greeter>>;

/**
 * The signature `T` of the example host: what every greeter plugin exports,
 * as its default export (ES module) or as `module.exports` (CommonJS).
 *
 * @example
 * ```ts
 * import type { Greeter } from '@augment/example-host-types';
 *
 * const greeter: Greeter = {
 *   greet: ({ name }) => `Hello, ${name}!`,
 * };
 * export default greeter;
 * ```
 */
export interface Greeter {
  /**
   * One line of greeting for `visitor`. The host calls it once per visitor,
   * synchronously, and prints what it returns; a throw is reported as that
   * plugin's failure to greet, and the other greeters still run.
   */
  greet(visitor: Visitor): string;
  /**
   * Receives the greeters of the plugins this one depends on (its manifest's
   * `pluginDependencies`), by plugin name. The host calls it once per loaded
   * copy of the plugin, before the first `greet()`; when a dependency is
   * updated, the host loads a fresh copy of this plugin and calls `uses()` on
   * it with the new dependency. Leave it out when the plugin depends on none.
   *
   * @example
   * ```ts
   * let base: Greeter | undefined;
   * const greeter: Greeter = {
   *   uses: (dependencies) => {
   *     base = dependencies['example-plugin'];
   *   },
   *   greet: (visitor) => `${base?.greet(visitor) ?? 'Hello!'} Glad you came.`,
   * };
   * ```
   */
  uses?(dependencies: GreeterDependencies): void;
}
