/**
 * Tells whether awaiting `value` would run its `then`: an object or function
 * whose `then` is a function, from any realm. Never throws: a value whose
 * `then` cannot even be read counts as a thenable, so that {@link settle}
 * turns that read's error into a rejection.
 */
export function isThenable(value: unknown): boolean {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return true;
  }
}

/**
 * A native promise that settles like `value` would when awaited: a promise
 * or thenable of any realm is adopted, anything else is the fulfilment.
 * Never throws: a `then` that throws, or cannot be read, becomes a
 * rejection (unlike `Promise.resolve()`, which reads a promise's
 * `constructor` synchronously).
 */
export function settle(value: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    resolve(value);
  });
}
