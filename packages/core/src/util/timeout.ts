import { ERROR_CODES, LoadError } from '../errors.js';
import { startLoadClock } from './load-clock.js';

/** The longest delay `setTimeout` accepts (about 24.8 days); beyond it, it warns and fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Settles like `work`, or rejects with `onTimeout()` when `work` has not
 * settled within `ms` milliseconds.
 *
 * The timer is cleared as soon as `work` settles, so it never keeps the
 * process alive longer than the work itself. When `work` settles after the
 * timeout, that late outcome is swallowed (never an unhandled rejection) and
 * handed to `onLate`, for debug logging.
 *
 * @param work - the promise to wait for
 * @param ms - the limit in milliseconds; `0` (or anything but a positive
 *   number of at most 2^31-1) means no limit
 * @param onTimeout - builds the rejection reason when the limit is reached
 * @param onLate - receives the outcome of `work` if it settles after the timeout
 * @returns a promise that settles like `work`, or rejects on timeout
 */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => Error,
  onLate?: (outcome: PromiseSettledResult<T>) => void,
): Promise<T> {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) return work;
  return raceExpiry(
    work,
    (expire) => {
      const timer = setTimeout(expire, ms);
      return () => {
        clearTimeout(timer);
      };
    },
    onTimeout,
    onLate,
  );
}

/**
 * Settles like `work`, or rejects with `onTimeout()` once `arm`'s `expire`
 * is called first; `arm` returns what cancels it, called when `work` settles.
 */
function raceExpiry<T>(
  work: Promise<T>,
  arm: (expire: () => void) => () => void,
  onTimeout: () => Error,
  onLate?: (outcome: PromiseSettledResult<T>) => void,
): Promise<T> {
  let timedOut = false;
  let cancel: (() => void) | undefined;
  const expiry = new Promise<never>((_resolve, reject) => {
    cancel = arm(() => {
      timedOut = true;
      reject(onTimeout());
    });
  });
  const reportLate = (outcome: PromiseSettledResult<T>): void => {
    if (!timedOut || onLate === undefined) return;
    try {
      onLate(outcome);
    } catch {
      // A throwing debug callback must not become an unhandled rejection.
    }
  };
  // These handlers also mark a late rejection of `work` as handled.
  work.then(
    (value) => {
      cancel?.();
      reportLate({ status: 'fulfilled', value });
    },
    (reason: unknown) => {
      cancel?.();
      reportLate({ status: 'rejected', reason });
    },
  );
  return Promise.race([work, expiry]);
}

/** The phase of plugin work that a `loadTimeoutMs` limit bounds, for its one timeout error. */
export interface TimedPhase {
  /** The plugin the work is for (its name, or its directory or archive when unnamed). */
  readonly plugin: string;
  /** What did not settle: `onLoad`, `onUnload`, `the validator`, `the top-level code of <file>`. */
  readonly what: string;
  /** What to do about it, a sentence. @default 'Make it finish faster, or raise loadTimeoutMs.' */
  readonly fix?: string | undefined;
  /** The file the work runs, when there is one. */
  readonly file?: string | undefined;
}

/**
 * The one `AUG_LOAD_TIMEOUT` error, whatever the phase.
 *
 * @param phase - what timed out, for whom
 * @param ms - the limit that was reached
 */
export function loadTimeoutError(phase: TimedPhase, ms: number): LoadError {
  const fix = phase.fix ?? 'Make it finish faster, or raise loadTimeoutMs.';
  return new LoadError(
    ERROR_CODES.LOAD_TIMEOUT,
    `Plugin "${phase.plugin}": ${phase.what} did not settle within ${ms} ms (loadTimeoutMs). ${fix}`,
    { plugin: phase.plugin, file: phase.file },
  );
}

/**
 * Bounds one phase of plugin work (import, validation, `onLoad`, `onUnload`,
 * an integrity function) by `loadTimeoutMs`, rejecting with
 * {@link loadTimeoutError}. The limit counts the time the work can call its
 * own ({@link startLoadClock}): from when it starts, never the time it waits
 * behind the work of other plugins that runs beside it.
 *
 * @param work - the promise to wait for
 * @param ms - `loadTimeoutMs`; `0` means no limit
 * @param phase - what the work is, for the error
 * @param onLate - receives the outcome of `work` if it settles after the timeout
 */
export function withLoadTimeout<T>(
  work: Promise<T>,
  ms: number,
  phase: TimedPhase,
  onLate?: (outcome: PromiseSettledResult<T>) => void,
): Promise<T> {
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) return work;
  return raceExpiry(
    work,
    (expire) => {
      const clock = startLoadClock();
      let timer: NodeJS.Timeout;
      const check = (): void => {
        const left = ms - clock.elapsed();
        if (left <= 0) {
          clock.stop();
          expire();
        } else {
          // charged less than the wall clock so far (others' work ran beside): wait for the rest
          timer = setTimeout(check, Math.max(1, left));
        }
      };
      timer = setTimeout(check, ms);
      return () => {
        clearTimeout(timer);
        clock.stop();
      };
    },
    () => loadTimeoutError(phase, ms),
    onLate,
  );
}
