import { loadModule, type LoadedModule, type LoadModuleOptions } from './loader.js';
import { ImportGate } from './import-gate.js';
import { loopPacer } from '../util/pacer.js';

/**
 * The ES module imports of this process, across hosts: a plugin's load
 * timeout starts when its import does, and counts its share of the loop
 * beside the others in flight (see `startLoadClock`), never the wait for a
 * slot.
 */
export const importGate = new ImportGate();

/**
 * {@link loadModule}, started while the event loop's slice lasts: a
 * CommonJS `require` is synchronous, and a reload that loads thousands of
 * plugins at once would otherwise run them all in one stretch of the loop.
 * An ES module import also waits for a slot of {@link importGate}, which
 * keeps as many in flight as the loop absorbs without long stalls. One
 * plugin's own top-level code still runs in one piece.
 *
 * @param options - as for {@link loadModule}
 */
export async function loadModulePaced(options: LoadModuleOptions): Promise<LoadedModule> {
  if (options.format !== 'esm') return loopPacer.run(() => loadModule(options));
  const waited = importGate.acquire();
  if (waited !== undefined) await waited;
  try {
    return await loopPacer.run(() => loadModule(options));
  } finally {
    importGate.release();
  }
}
