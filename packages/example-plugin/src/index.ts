import ms from 'ms';
import type { Greeter, Visitor } from '@augment/example-host-types';

/**
 * The time since a visit, in words: `'3 days'`, `'1 hour'`. `ms` is this
 * plugin's one runtime dependency: `augment build` bundles it into
 * `dist/index.js`, so the host never installs it.
 */
function timeAway(elapsedMs: number): string {
  return ms(elapsedMs, { long: true });
}

/**
 * The plugin: an object of the host's signature `Greeter`, as the default
 * export. The type comes from the host's types package (a type-only import,
 * gone from the bundle), so TypeScript checks this object against the very
 * contract the host validates at run time.
 */
const greeter: Greeter = {
  greet({ name, visits, sinceLastVisitMs }: Visitor): string {
    if (visits <= 1 || sinceLastVisitMs === undefined) {
      return `Hi ${name}, nice to meet you!`;
    }
    return `Welcome back, ${name}! Your last visit was ${timeAway(sinceLastVisitMs)} ago.`;
  },
};

export default greeter;
