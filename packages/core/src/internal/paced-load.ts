import { loadModule, type LoadedModule, type LoadModuleOptions } from '../loader.js';
import { loopPacer } from './pacer.js';

/**
 * {@link loadModule}, started while the event loop's slice lasts: a
 * CommonJS `require` is synchronous, and a reload that loads thousands of
 * plugins at once would otherwise run them all in one stretch of the loop.
 * One plugin's own top-level code still runs in one piece.
 *
 * @param options - as for {@link loadModule}
 */
export async function loadModulePaced(options: LoadModuleOptions): Promise<LoadedModule> {
  return loopPacer.run(() => loadModule(options));
}
