// Runs in doctor's child process: the baseline. Imports the same entry file
// afresh, with no host, as many times as the host rounds load it, so that
// what Node itself keeps of each import (an ES module is never freed) can be
// told apart from what the plugin keeps.
import { appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { failureOf, onUncaught, settle } from './child-util.js';
import { sampleHeap } from './heap.js';
import type { ChildMessage, ChildProblem, ChildReport, ChildRequest } from './protocol.js';

type Send = (message: ChildMessage) => Promise<void>;

/** One fresh import: a new URL for an ES module, a purged require cache for CommonJS. */
async function importFresh(request: ChildRequest, round: number): Promise<void> {
  if (request.format === 'esm') {
    await import(`${pathToFileURL(request.entry).href}?augment-doctor-bare=${round}`);
    return;
  }
  const require = createRequire(request.entry);
  const prefix = `${request.pluginDir}${sep}`;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(prefix)) Reflect.deleteProperty(require.cache, key);
  }
  require(request.entry);
}

/**
 * Removes the globals an import added: the baseline measures the module
 * itself, not what its top-level code hangs on `globalThis`.
 */
function dropNewGlobals(before: ReadonlySet<PropertyKey>): void {
  for (const key of Reflect.ownKeys(globalThis)) {
    if (!before.has(key)) Reflect.deleteProperty(globalThis, key);
  }
}

/** Imports the entry `request.rounds` times, sampling the heap after each. */
export async function runBareImports(request: ChildRequest, send: Send): Promise<ChildReport> {
  const problems: ChildProblem[] = [];
  const heap: number[] = [];
  let round = 0;
  onUncaught((failure) => {
    if (problems.length < 100) problems.push({ kind: 'uncaught', round, failure });
  });
  const globals = new Set(Reflect.ownKeys(globalThis));
  for (round = 1; round <= request.rounds; round += 1) {
    try {
      // a changed file, as the host rounds import: V8 compiles it afresh rather than reusing the last one's code
      if (round > 1) await appendFile(request.entry, `\n// augment doctor: round ${round}\n`);
      await importFresh(request, round);
    } catch (error) {
      problems.push({
        kind: round === 1 ? 'load' : 'reload',
        round,
        failure: failureOf(error, 'import'),
      });
      break;
    }
    dropNewGlobals(globals);
    await settle();
    heap.push(await sampleHeap());
    await send({ type: 'round', round });
  }
  return {
    mode: 'bare',
    rounds: heap.length,
    heap,
    unloadMs: [],
    left: [],
    activeDelta: {},
    problems,
    newGlobals: [],
    hasOnUnload: false,
  };
}
