import type { EventEmitter } from 'node:events';
import { describeError } from '../errors.js';
import { isThenable, settle } from './thenable.js';
import { log } from './log.js';
import type { Logger } from '../types.js';

/**
 * Calls each listener of `name` in turn; a throwing listener is logged and
 * cannot abort a reload. A listener may throw or reject with any value, and
 * return any thenable (of any realm): its rejection is logged, never awaited.
 *
 * @param emitter - whose listeners to call (as `this`)
 * @param logger - where a listener's error goes
 */
export function emitSafely(
  emitter: EventEmitter,
  logger: Logger | false,
  name: string,
  args: readonly unknown[],
): void {
  for (const listener of emitter.rawListeners(name) as ((...a: unknown[]) => unknown)[]) {
    const report = (error: unknown): void => {
      log(
        logger,
        'error',
        `A "${name}" listener threw: ${describeError(error)}. Listeners must not throw; the reload went on.`,
      );
    };
    try {
      const result: unknown = listener.apply(emitter, [...args]);
      if (isThenable(result)) settle(result).catch(report);
    } catch (error) {
      report(error);
    }
  }
}
