/**
 * A count and its noun: `1 error`, `2 errors`.
 *
 * @param count - how many
 * @param noun - the singular, which takes an `s` in the plural
 */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
