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
   * Runs `work` now when the slice has time left, else on a later turn: the
   * check and the work happen in the same synchronous step, so many callers
   * waiting together still run only a slice's worth per turn (an
   * `await turn()` before the work would let every waiter pass the check
   * before any of them worked).
   *
   * @returns what `work` returns, or a promise of it when it had to wait
   */
  run<R>(work: () => R): R | Promise<R> {
    return this.spent() ? this.#runLater(work) : work();
  }

  async #runLater<R>(work: () => R): Promise<R> {
    do await this.turn();
    while (this.spent());
    return work();
  }
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
