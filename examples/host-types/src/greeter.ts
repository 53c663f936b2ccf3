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
}
