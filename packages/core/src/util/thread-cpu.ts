import { closeSync, openSync, readSync } from 'node:fs';

/**
 * CPU time the calling thread has used, in ms, where the system tells it
 * cheaply: the first field of `/proc/thread-self/schedstat` (ns) on Linux,
 * read with one `pread` of a descriptor kept open. Elsewhere `undefined`
 * (Node 20 has no per-thread CPU clock), and callers fall back to the wall
 * clock.
 *
 * Unlike the wall clock, it does not count the time the OS gives other
 * processes: on a busy machine, a gap in the event loop that the main thread
 * did not spend working is not a stretch of its own work.
 */
export class ThreadCpuClock {
  #fd: number | undefined;
  #failed = false;
  readonly #buffer = Buffer.alloc(64);

  /** @returns the thread's CPU time in ms, or undefined where it cannot be read */
  now(): number | undefined {
    if (this.#failed) return undefined;
    try {
      this.#fd ??= openSync('/proc/thread-self/schedstat', 'r');
      const n = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      const text = this.#buffer.toString('latin1', 0, n);
      const ns = Number(text.slice(0, text.indexOf(' ')));
      if (!Number.isFinite(ns) || ns <= 0) throw new Error('unreadable schedstat');
      return ns / 1e6;
    } catch {
      this.close();
      this.#failed = true;
      return undefined;
    }
  }

  /** Closes the descriptor; the next {@link now} opens it again unless reading failed. */
  close(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed: nothing to release
    }
    this.#fd = undefined;
  }
}
