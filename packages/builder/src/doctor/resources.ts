// Runs in doctor's child process: notes every handle and timer created while
// the plugin runs, with the plugin frame that created it, and forgets it when
// it closes. What is still there after onUnload was left open.
import { createHook } from 'node:async_hooks';
import { captureFrame } from './frames.js';
import type { LeftResource, RawFrame } from './protocol.js';

/**
 * The async_hooks types that stay open until someone closes them: timers,
 * servers, sockets, child processes, file watchers, workers, signal handlers.
 */
const TRACKED: ReadonlySet<string> = new Set([
  'Timeout',
  'TCPSERVERWRAP',
  'TCPWRAP',
  'PIPESERVERWRAP',
  'PIPEWRAP',
  'UDPWRAP',
  'PROCESSWRAP',
  'FSEVENTWRAP',
  'STATWATCHER',
  'SIGNALWRAP',
  'WORKER',
  'MESSAGEPORT',
]);

interface Tracked {
  readonly type: string;
  readonly repeat: boolean;
  readonly round: number;
  readonly frame: RawFrame | undefined;
}

/** The open resources the plugin created, by async id. */
export interface ResourceTracker {
  /** The round that loads from now on (stamped on what is created). */
  round: number;
  /** The plugin's resources that are still open. */
  open(): LeftResource[];
  /** Stops tracking. */
  stop(): void;
}

/**
 * Starts tracking the resources created with a frame inside `pluginDir` on
 * the stack. Resources created elsewhere (the host's own timers) are ignored.
 *
 * @param pluginDir - real path of the plugin's folder (the copy)
 */
export function trackResources(pluginDir: string): ResourceTracker {
  const live = new Map<number, Tracked>();
  const tracker: ResourceTracker = {
    round: 0,
    open: () => [...live.values()].map((entry) => ({ ...entry })),
    stop: () => hook.disable(),
  };
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (!TRACKED.has(type)) return;
      const frame = captureFrame(pluginDir);
      if (frame === undefined) return;
      const repeat = type === 'Timeout' && isRepeating(resource);
      live.set(asyncId, { type, repeat, round: tracker.round, frame });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return tracker;
}

/** A `Timeout` made by `setInterval` has a `_repeat` period (Node's own field). */
function isRepeating(resource: object): boolean {
  const repeat: unknown = Reflect.get(resource, '_repeat');
  return typeof repeat === 'number';
}

/** Counts of `process.getActiveResourcesInfo()` by type. */
export function activeResourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** The types that are more in `after` than in `before`, with how many more. */
export function countIncrease(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<string, number> {
  const increase: Record<string, number> = {};
  for (const [type, count] of after) {
    const more = count - (before.get(type) ?? 0);
    if (more > 0) increase[type] = more;
  }
  return increase;
}
