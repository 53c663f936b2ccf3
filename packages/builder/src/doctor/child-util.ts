// Runs in doctor's child process: small helpers shared by both modes.
import { isAugmentError } from '@augment/core';
import type { HostFailure } from './protocol.js';

/** A thrown value as a failure: its code when it has one, its message, its root's stack. */
export function failureOf(error: unknown, stage: string): HostFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = isAugmentError(error) ? error.code : 'AUG_DOCTOR_THREW';
  return { code, stage, message, stack: rootStack(error) };
}

/** The stack of the innermost `cause` (the plugin's own error under core's wrappers). */
export function rootStack(error: unknown): string | undefined {
  let root = error;
  for (
    let depth = 0;
    depth < 10 && root instanceof Error && root.cause instanceof Error;
    depth += 1
  ) {
    root = root.cause;
  }
  try {
    return root instanceof Error && typeof root.stack === 'string' ? root.stack : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reports what the plugin throws outside any call of the host (an error in a
 * timer, a rejection nobody awaits) instead of letting it end the process.
 */
export function onUncaught(report: (failure: HostFailure) => void): void {
  process.on('uncaughtException', (error) => {
    report(failureOf(error, 'uncaught'));
  });
  process.on('unhandledRejection', (reason) => {
    report(failureOf(reason, 'unhandled rejection'));
  });
}

/** Two turns of the event loop: closes and destroy hooks queued by an unload run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 2; turn += 1) {
    await new Promise<void>((done) => setImmediate(done));
  }
}
