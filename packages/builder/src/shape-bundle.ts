import type { BundleOutput } from './bundle.js';
import { addPrelude } from './prelude.js';
import { nameMapSources, type MapOwner } from './source-map.js';

/**
 * The bundle as `dist/` gets it: esbuild's output with its prelude added
 * (see `addPrelude`) and its map's sources named by plugin (see `sourceUrl`).
 *
 * @param bundle - esbuild's `index.js` and `index.js.map`
 * @param format - the bundle's module format
 * @param owner - the plugin and its folders
 */
export function shapeBundle(
  bundle: BundleOutput,
  format: 'esm' | 'cjs',
  owner: MapOwner,
): BundleOutput {
  const shaped = addPrelude(bundle, format);
  return shaped.map === undefined
    ? shaped
    : { js: shaped.js, map: nameMapSources(shaped.map, owner) };
}
