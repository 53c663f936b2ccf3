import type { Plugin } from '{{typesPackage}}';

/**
 * The plugin: the default export is what the host loads and checks against
 * its signature, `Plugin` from {{typesPackage}} (a peer dependency: it stays
 * out of the bundle). If the host names its signature differently, change the
 * import. `npm run typecheck` lists the members left to implement.
 */
const plugin: Plugin = {};

export default plugin;
