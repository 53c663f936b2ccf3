/** Synchronous work allowed between two turns of the event loop, in ms. */
export const SLICE_MS = 5;

/**
 * Keeps synchronous work from stalling the event loop: work runs at once
 * while the current slice of the loop's time lasts, and after a turn of the
 * loop (`setImmediate`) once it is spent. A slice begins with the first
 * check after a turn, so time spent waiting on I/O is never counted.
 *
 * Share one pacer between everything that may work in the same stretch of
 * the loop: the budget is the loop's, not each caller's.
 */
export class Pacer {
  readonly #sliceMs: number;
  #sliceStart = 0;
  /** True from a slice's first check until the loop turns. */
  #inSlice = false;
  #turn: Promise<void> | undefined;
  /** The callers of {@link run} waiting for a turn, from `#head` on. */
  readonly #waiting: ((() => void) | undefined)[] = [];
  #head = 0;
  #drainScheduled = false;

  /** @param sliceMs - synchronous work allowed per turn of the loop */
  constructor(sliceMs = SLICE_MS) {
    this.#sliceMs = sliceMs;
  }

  /** Whether this turn's slice is used up (starts a slice when none runs). */
  spent(): boolean {
    if (!this.#inSlice) {
      this.#inSlice = true;
      this.#sliceStart = performance.now();
      setImmediate(() => {
        this.#inSlice = false;
      });
      return false;
    }
    return performance.now() - this.#sliceStart > this.#sliceMs;
  }

  /** Resolves on the next turn of the loop; every caller of one turn shares it. */
  turn(): Promise<void> {
    this.#turn ??= new Promise((resolve) => {
      setImmediate(() => {
        this.#turn = undefined;
        resolve();
      });
    });
    return this.#turn;
  }

  /**
   * Runs `work` now when the slice has time left and no caller is waiting,
   * else on a later turn, after the callers that came before it: the check
   * and the work happen in the same synchronous step, so many callers
   * waiting together still run only a slice's worth per turn. The waiting
   * callers are kept in a queue that one callback per turn works through,
   * so each is looked at once, when it runs, however many turns it waits.
   *
   * @returns what `work` returns, or a promise of it when it had to wait
   */
  run<R>(work: () => R): R | Promise<R> {
    if (this.#waiting.length === this.#head && !this.spent()) return work();
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push(() => {
        try {
          resolve(work());
        } catch (error) {
          // what the work threw, as it would have thrown it when run at once
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error);
        }
      });
      this.#drainLater();
    });
  }

  #drainLater(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(this.#drain);
  }

  /** Runs waiting callers while the turn's slice lasts (at least one, so each turn moves on). */
  readonly #drain = (): void => {
    this.#drainScheduled = false;
    const waiting = this.#waiting;
    // starts this turn's slice when none runs yet, so the first caller counts
    this.spent();
    do {
      const next = waiting[this.#head];
      waiting[this.#head++] = undefined;
      next?.();
    } while (this.#head < waiting.length && !this.spent());
    if (this.#head < waiting.length) {
      if (this.#head >= 1024) {
        waiting.splice(0, this.#head);
        this.#head = 0;
      }
      this.#drainLater();
    } else {
      waiting.length = 0;
      this.#head = 0;
    }
  };
}

/** The pacer of this process's event loop, shared by scans and loads of every host. */
export const loopPacer = new Pacer();

/** Lets the event loop turn when this stretch of synchronous work has used its slice. */
export async function breathe(): Promise<void> {
  if (loopPacer.spent()) await loopPacer.turn();
}

/**
 * {@link breathe} for the body of a long loop: `await pause()` costs no
 * promise while the slice lasts (awaiting `undefined` is one microtask),
 * and waits for the next turn once it is spent.
 */
export function pause(): Promise<void> | undefined {
  return loopPacer.spent() ? loopPacer.turn() : undefined;
}
