import { createRequire } from 'node:module';
import type * as Yauzl from 'yauzl';

let loaded: typeof Yauzl | undefined;

/**
 * yauzl, loaded on first use: importing it (with `node:zlib` and its own
 * dependencies) costs 10-15 ms, about half of what importing
 * `@augment/core` cost, and a host whose folder holds no archive never needs
 * it. `bench/import-cost.mjs` measures the import.
 */
export function loadYauzl(): typeof Yauzl {
  loaded ??= createRequire(import.meta.url)('yauzl') as typeof Yauzl;
  return loaded;
}
