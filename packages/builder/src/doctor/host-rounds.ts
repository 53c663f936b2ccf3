// Runs in doctor's child process: the plugin through a throwaway host, load,
// onLoad, onUnload and reload of a changed copy, round after round.
import { appendFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  PluginHost,
  type PluginEntry,
  type PluginFailure,
  type PluginHostOptions,
  type ReloadReport,
} from '@augment/core';
import { sampleHeap } from './heap.js';
import type {
  ChildMessage,
  ChildProblem,
  ChildReport,
  ChildRequest,
  HostFailure,
} from './protocol.js';
import { activeResourceCounts, countIncrease, trackResources } from './resources.js';
import { loadSetupOptions } from './setup.js';
import { failureOf, onUncaught, rootStack, settle } from './child-util.js';

type Send = (message: ChildMessage) => Promise<void>;

/** The most problems one run reports (a plugin may throw at every tick of a timer). */
const MAX_PROBLEMS = 100;
type Hook = (entry: PluginEntry) => unknown;

/** Changes the copy's entry (as a rebuild would), so that the host imports it afresh. */
async function touchCopy(entry: string, tag: string): Promise<void> {
  await appendFile(entry, `\n// augment doctor: ${tag}\n`);
}

/** A host's failure as plain data, with the stack of the plugin's own error. */
function hostFailure(failure: PluginFailure): HostFailure {
  const { code, stage, message } = failure;
  return { code, stage, message, stack: rootStack(failure.cause) };
}

/** The plugin's own failure in a scan, or "not loaded" when it is not served. */
function loadFailure(
  host: PluginHost,
  report: ReloadReport,
  name: string,
): HostFailure | undefined {
  const failure = report.failed.find((f) => f.stage !== 'unload');
  if (failure !== undefined) return hostFailure(failure);
  if (host.get(name) !== undefined) return undefined;
  return {
    code: 'AUG_DOCTOR_NOT_LOADED',
    stage: 'load',
    message: `The host did not load plugin "${name}" and reported no failure.`,
  };
}

/** The host options: the setup's, with doctor's folder and a timed onUnload. */
async function hostOptions(request: ChildRequest, unloadMs: number[]): Promise<PluginHostOptions> {
  const setup = request.setup === undefined ? {} : await loadSetupOptions(request.setup);
  const onUnload = setup['onUnload'];
  const options: Record<string, unknown> = {
    logger: false,
    ...setup,
    folder: request.folder,
    watch: false,
    strict: false,
    disabled: [],
  };
  if (typeof onUnload === 'function') {
    options['onUnload'] = async (entry: PluginEntry): Promise<void> => {
      const started = performance.now();
      try {
        await (onUnload as Hook)(entry);
      } finally {
        unloadMs.push(performance.now() - started);
      }
    };
  }
  return options as unknown as PluginHostOptions;
}

/**
 * Loads, unloads and reloads the plugin `request.rounds` times through one
 * host, noting the resources it leaves open, the heap after each round and
 * how long each onUnload took. Stops at the first round that cannot load.
 */
export async function runHostRounds(request: ChildRequest, send: Send): Promise<ChildReport> {
  const problems: ChildProblem[] = [];
  const heap: number[] = [];
  const unloadMs: number[] = [];
  const tracker = trackResources(realpathSync(request.pluginDir));
  const round = { current: 0 };
  const unloadHook = { present: false };
  onUncaught((failure) => {
    // a timer that throws at every tick says it once per round at most
    if (problems.length < MAX_PROBLEMS) {
      problems.push({ kind: 'uncaught', round: Math.min(round.current, request.rounds), failure });
    }
  });
  const finish = (): ChildReport => ({
    mode: 'host',
    rounds: heap.length,
    heap,
    unloadMs,
    left: tracker.open(),
    activeDelta: {},
    problems,
    newGlobals: [],
    hasOnUnload: unloadHook.present,
  });
  let host: PluginHost;
  try {
    const options = await hostOptions(request, unloadMs);
    unloadHook.present = typeof options.onUnload === 'function';
    host = new PluginHost(options);
  } catch (error) {
    problems.push({ kind: 'setup', round: 0, failure: failureOf(error, 'setup') });
    return finish();
  }
  host.on('plugin:failed', ({ failure }) => {
    if (failure.stage !== 'unload') return;
    problems.push({ kind: 'unload', round: round.current, failure: hostFailure(failure) });
  });
  await settle();
  const before = activeResourceCounts();
  const globals = new Set(Reflect.ownKeys(globalThis));
  try {
    for (round.current = 1; round.current <= request.rounds; round.current += 1) {
      const n = round.current;
      tracker.round = n;
      if (n > 1) await touchCopy(request.entry, `round ${n}`);
      const loaded = n === 1 ? await host.reload() : await host.enable(request.name);
      const failure = loadFailure(host, loaded, request.name);
      if (failure !== undefined) {
        problems.push({ kind: n === 1 ? 'load' : 'reload', round: n, failure });
        break;
      }
      if (n === 1) {
        // a reload loads the new version while the old one still serves
        await touchCopy(request.entry, 'second instance');
        const swapped = await host.reload();
        const swapFailure = swapped.failed.find((f) => f.stage !== 'unload');
        if (swapFailure !== undefined) {
          problems.push({ kind: 'swap', round: n, failure: hostFailure(swapFailure) });
        }
      }
      await host.disable(request.name);
      await settle();
      heap.push(await sampleHeap());
      await send({ type: 'round', round: n });
    }
  } catch (error) {
    problems.push({ kind: 'setup', round: round.current, failure: failureOf(error, 'host') });
  }
  const left = await waitForClose(tracker, request.graceMs);
  const report = finish();
  tracker.stop();
  const newGlobals = Reflect.ownKeys(globalThis)
    .filter((key) => !globals.has(key))
    .map((key) => String(key))
    // core's own process-wide state, made on the first load
    .filter((name) => !name.startsWith('Symbol(augment.'));
  return {
    ...report,
    left,
    activeDelta: countIncrease(before, activeResourceCounts()),
    newGlobals,
  };
}

/** Waits up to `graceMs` for what the plugin opened to close; returns what is still open. */
async function waitForClose(
  tracker: ReturnType<typeof trackResources>,
  graceMs: number,
): Promise<ReturnType<typeof tracker.open>> {
  const deadline = performance.now() + graceMs;
  while (tracker.open().length > 0 && performance.now() < deadline) {
    await new Promise<void>((done) => setTimeout(done, 10));
  }
  await settle();
  return tracker.open();
}
