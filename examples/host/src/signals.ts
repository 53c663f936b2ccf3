/** A promise of the first SIGINT or SIGTERM the process receives. */
export interface SignalWait {
  /** Resolves with the first signal received. */
  readonly signal: Promise<NodeJS.Signals>;
  /** Removes the handlers: the next signal gets Node's default behavior again. */
  stop(): void;
}

/**
 * Catches SIGINT (Ctrl-C) and SIGTERM so the demo can close its host and
 * stop its child process before it exits, instead of being killed mid-way.
 */
export function waitForSignal(): SignalWait {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signal = new Promise<NodeJS.Signals>((done) => {
    onSignal = done;
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
