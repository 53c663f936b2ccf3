import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * The time plugin work can call its own while many plugins load at once.
 *
 * A scan runs the work of many plugins together (up to 128 imports, and
 * their validators and `onLoad` hooks), and they share one event loop: with
 * 128 imports in flight, each import takes about 128 times its own cost in
 * wall-clock time (measured: 5,000 small plugins, ~90 ms per import where one
 * alone takes under 1 ms; at `loadTimeoutMs: 50` most of them timed out).
 * Counted by the wall clock, a plugin's timeout would measure how many
 * others load beside it.
 *
 * The load clock counts, for each piece of work in flight, every moment the
 * loop waits idle (the work is waiting on something outside, so that time is
 * its own) and its share of every moment the loop is busy: 1/n of it while n
 * timed pieces of work run. A plugin that hangs (awaits something that never
 * comes) is charged in full as soon as the loop has nothing else to do, and
 * by its share while it has; a plugin loaded alone is charged the wall
 * clock.
 */

/** Timed pieces of work running now. */
let running = 0;
/** The load clock's reading, in ms: what each running piece of work has been charged since it began. */
let charged = 0;
/** The loop's utilisation when {@link charged} was last brought up to date. */
let last: EventLoopUtilization | undefined;
/** The wall clock then. */
let lastWall = 0;

/**
 * Brings the clock up to date and reads it. Busy is the wall clock less the
 * loop's idle time (not the utilisation's own `active`), so the clock runs
 * even where the loop reports no utilisation at all (before it starts).
 */
function read(): number {
  const now = performance.eventLoopUtilization();
  const wall = performance.now();
  if (last !== undefined && running > 0) {
    const elapsed = wall - lastWall;
    const idle = Math.min(elapsed, Math.max(0, now.idle - last.idle));
    charged += idle + (elapsed - idle) / running;
  }
  last = now;
  lastWall = wall;
  return charged;
}

/** One timed piece of work on the {@link read load clock}. */
export interface LoadClock {
  /** Milliseconds charged to this work since it started. */
  elapsed(): number;
  /** Stops charging this work (idempotent). */
  stop(): void;
}

/**
 * Starts charging a piece of plugin work on the load clock: stop it when the
 * work settles.
 */
export function startLoadClock(): LoadClock {
  const started = read();
  running += 1;
  let stopped: number | undefined;
  return {
    elapsed: () => (stopped ?? read()) - started,
    stop: () => {
      if (stopped !== undefined) return;
      stopped = read();
      running -= 1;
    },
  };
}
