/**
 * Describes any value in one line without ever throwing. Plugins and
 * listeners may throw anything: `null`, a Symbol, `Object.create(null)`, an
 * object whose `message` or `toString` throws (with a value that throws in
 * turn), a revoked Proxy. A value that cannot be turned into a string is
 * named by its `typeof` (the one operation no value can intercept).
 *
 * @param value - anything, typically a caught error
 * @returns its `message` when it has a string one, else `String(value)`,
 *   else a placeholder such as `an object that cannot be described`
 */
export function describeValue(value: unknown): string {
  try {
    return describeUnguarded(value);
  } catch {
    // the thrown value is not touched: it may be as hostile as `value`
    return `${article(typeof value)} that cannot be described`;
  }
}

function describeUnguarded(value: unknown): string {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if ('message' in value) {
      const { message } = value;
      return typeof message === 'string' ? message : String(message);
    }
  }
  return String(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
