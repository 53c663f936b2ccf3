import { debug } from '../util/log.js';

/**
 * Turns on Node's source-map support for the whole process, once, so stack
 * traces from built plugins name their TypeScript sources. Modules imported
 * before this keep their plain stacks; that is why the host calls it before
 * the first import of a plugin that ships a map.
 */
export function enableSourceMaps(reason: string): void {
  if (process.sourceMapsEnabled) return;
  process.setSourceMapsEnabled(true);
  debug('source maps enabled for the process (%s)', reason);
}
