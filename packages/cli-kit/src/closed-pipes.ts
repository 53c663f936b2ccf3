/** A stream that reports failed writes with `'error'` events (process.stdout, process.stderr). */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/**
 * Lets a CLI end quietly when whatever reads its output has gone
 * (`augment --help | head -1`): a write to a closed pipe fails with EPIPE,
 * which would otherwise be an unhandled `'error'` event and a stack trace.
 * The EPIPE is ignored (Node drops later writes to the closed stream), so the
 * command finishes its work and exits with its usual code, as other CLIs do.
 * Any other stream error still surfaces as a crash.
 *
 * @param streams - the streams to guard (stdout and stderr by default)
 */
export function ignoreClosedPipes(
  streams: readonly ErrorEmitter[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on('error', (error) => {
      if (typeof error === 'object' && error !== null && Reflect.get(error, 'code') === 'EPIPE')
        return;
      throw error;
    });
  }
}
