import { debuglog } from 'node:util';
import type { Logger } from '../types.js';

/** Debug output of Augment, shown with `NODE_DEBUG=augment`. */
export const debug = debuglog('augment');

/** Sends one line to the host's logger (if any) and to the debug log. */
export function log(
  logger: Logger | false,
  level: 'warn' | 'error' | 'info' | 'debug',
  message: string,
): void {
  debug('%s', message);
  if (logger === false) return;
  if (typeof logger[level] !== 'function') return;
  try {
    logger[level](`[augment] ${message}`);
  } catch {
    // a broken logger must not break a reload
  }
}
