// The @augment/core the probes load: the workspace's build, or another build
// named by AUGMENT_BENCH_CORE (a path to its dist/index.js), to compare a
// change to core against the same floor before it lands. RESULTS.md names
// the override when one is set.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @returns {string | undefined} the override's absolute path, if any */
export const coreOverride = () => {
  const override = process.env['AUGMENT_BENCH_CORE'];
  return override === undefined || override === '' ? undefined : resolve(override);
};

/** @returns {Promise<typeof import('@augment/core')>} */
export function importCore() {
  const override = coreOverride();
  return import(override === undefined ? '@augment/core' : pathToFileURL(override).href);
}
