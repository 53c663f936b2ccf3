import { loadModule, type LoadedModule, type LoadModuleOptions } from './loader.js';
import { loopPacer } from '../util/pacer.js';

/**
 * ES module imports of this process in flight at once. Node's loader reads
 * each module on the thread pool and then parses, links and evaluates it on
 * the main thread; with thousands of imports in flight, hundreds finish in
 * the same turn of the event loop and are compiled in one stretch (measured
 * on 2 cores, 5,000 small plugins: stalls of 100-245 ms unbounded; with 128
 * in flight none over 35 ms and the same total time, where 64 took 20% longer
 * and 256 let stalls reach 45 ms). A plugin's load timeout starts when its
 * import does, and counts its share of the loop beside the others in flight
 * (see `startLoadClock`), never the wait for a slot.
 */
export const MAX_IMPORTS_IN_FLIGHT = 128;

let inFlight = 0;
const waiting: (() => void)[] = [];

/** Takes an import slot: at once (undefined) or when one is handed over. */
function acquire(): Promise<void> | undefined {
  if (inFlight < MAX_IMPORTS_IN_FLIGHT) {
    inFlight += 1;
    return undefined;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Hands the slot to the next waiting import, or gives it back. */
function release(): void {
  const next = waiting.shift();
  if (next === undefined) inFlight -= 1;
  else next();
}

/**
 * {@link loadModule}, started while the event loop's slice lasts: a
 * CommonJS `require` is synchronous, and a reload that loads thousands of
 * plugins at once would otherwise run them all in one stretch of the loop.
 * An ES module import also waits for one of the
 * {@link MAX_IMPORTS_IN_FLIGHT} slots. One plugin's own top-level code still
 * runs in one piece.
 *
 * @param options - as for {@link loadModule}
 */
export async function loadModulePaced(options: LoadModuleOptions): Promise<LoadedModule> {
  if (options.format !== 'esm') return loopPacer.run(() => loadModule(options));
  const waited = acquire();
  if (waited !== undefined) await waited;
  try {
    return await loopPacer.run(() => loadModule(options));
  } finally {
    release();
  }
}
