// Waiting in tests without depending on the machine's speed: wait for the
// event or condition itself, with a limit generous enough for a machine whose
// cores are busy with other work (a slow run must pass, only a hang may fail).

/** How long a test waits for something that should happen, before it fails. */
export const WAIT_MS = 20_000;

/** Options for `vi.waitFor`: poll every 20 ms for up to {@link WAIT_MS}. */
export const WAIT = { timeout: WAIT_MS, interval: 20 } as const;

/**
 * Resolves after the event loop has completed a full turn (timers, I/O,
 * immediates), so that an `unhandledRejection` or a listener that runs after
 * a settled promise has had its chance. A turn, not a duration: it does not
 * get shorter when the machine is busy.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      setImmediate(resolve);
    }, 0);
  });
}

/**
 * A marker that a fixture plugin sets on `globalThis` when its (late) top-level
 * code runs, so that a test can wait for that instead of sleeping. The plugin
 * code to increment it is `markerSource(name)`; `markerCount(name)` reads it.
 */
export function markerSource(name: string): string {
  const key = JSON.stringify(`augment-test:${name}`);
  return `globalThis[Symbol.for(${key})] = (globalThis[Symbol.for(${key})] ?? 0) + 1;`;
}

/** How many times the fixture code from {@link markerSource} has run in this process. */
export function markerCount(name: string): number {
  const value: unknown = Reflect.get(globalThis, Symbol.for(`augment-test:${name}`));
  return typeof value === 'number' ? value : 0;
}
