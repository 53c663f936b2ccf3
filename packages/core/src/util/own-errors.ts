import type { AugmentError } from '../errors.js';

/**
 * The errors this copy of `@augment/core` created. Membership is the one
 * check on a caught value that runs no code of that value: `instanceof`,
 * `in` and property reads all reach a Proxy's traps or a getter, and a
 * plugin may throw anything. A plugin that throws an object carrying the
 * `Symbol.for('augment.error')` brand is not one of these, so its value is
 * wrapped like any other.
 */
const OWN = new WeakSet<object>();

/** Records an error made by this copy of core (called by the `AugmentError` constructor). */
export function markOwnError(error: object): void {
  OWN.add(error);
}

/**
 * Tells whether `value` is an error this copy of core created. Never throws
 * and never runs code of `value`, whatever it is.
 */
export function isOwnError(value: unknown): value is AugmentError {
  // WeakSet#has answers false for primitives without throwing
  return OWN.has(value as object);
}
