/** The longest delay `setTimeout` accepts; beyond it, it warns and fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const expiry = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
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
      clearTimeout(timer);
      reportLate({ status: 'fulfilled', value });
    },
    (reason: unknown) => {
      clearTimeout(timer);
      reportLate({ status: 'rejected', reason });
    },
  );
  return Promise.race([work, expiry]);
}
