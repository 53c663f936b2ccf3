import { debug } from '../util/log.js';
import { ThreadCpuClock } from '../util/thread-cpu.js';

/** How {@link ImportGate} adapts: all times in ms. */
export interface ImportGateTuning {
  /** Imports in flight when loading starts. */
  readonly start: number;
  /** Never fewer in flight (a plugin that stalls the loop by itself still loads). */
  readonly min: number;
  /** Never more in flight. */
  readonly max: number;
  /**
   * How much the bound grows per round of imports (a bound's worth) that
   * complete in short stretches while others wait: a fraction of the bound.
   */
  readonly growth: number;
  /** The same, until the first long stretch (a quicker start). */
  readonly rampUp: number;
  /** How often the loop is checked while imports are in flight. */
  readonly tickMs: number;
  /** A stretch of the loop this long between two checks: the bound halves. */
  readonly longMs: number;
  /** A stretch at most this long: the loop turns freely, and the bound may grow. */
  readonly shortMs: number;
}

/**
 * Measured on 2 cores with 5,000 small ES module plugins: a 5,000-import
 * burst stalled the loop for 100-245 ms (hundreds of modules finishing in the
 * same turn are compiled in one stretch), 128 in flight for 60-80 ms, 64 for
 * 35-45 ms. A plugin of a few hundred KB compiles for several ms by itself, so
 * no fixed number fits every folder: the gate starts in the middle and follows
 * the loop.
 */
export const DEFAULT_IMPORT_GATE: ImportGateTuning = {
  start: 4,
  min: 2,
  max: 256,
  growth: 0.125,
  rampUp: 0.5,
  tickMs: 5,
  longMs: 20,
  shortMs: 10,
};

/**
 * Bounds the ES module imports in flight by what the event loop shows, in the
 * manner of TCP's congestion control (additive increase, multiplicative
 * decrease): while imports are in flight a timer checks the loop every
 * `tickMs` and measures the stretch since the last check: the main thread's
 * CPU time in it where the system tells it (Linux), so that a machine busy
 * with other processes does not count as a stretch of our own, else the wall
 * clock. A stretch longer than `longMs` halves the bound; a short one while
 * imports wait for a slot raises it by `growth` (an eighth) per round of
 * imports, and by `rampUp` (a half) per round until the first long stretch
 * (as TCP's slow start does: a folder of costly plugins never starts with
 * many of them in flight, a folder of cheap ones soon has enough). After a decrease, the imports
 * already in flight above the new bound drain before the next decrease, so
 * one long stretch halves the bound once.
 *
 * Node's loader reads each module on the thread pool, then compiles, links
 * and evaluates it on the main thread as the reads complete: with many in
 * flight, the modules whose reads completed during one long turn are all
 * compiled in the next, and each turn grows with the bound.
 */
export class ImportGate {
  readonly #tuning: ImportGateTuning;
  readonly #waiting: (() => void)[] = [];
  #limit: number;
  #inFlight = 0;
  /** After a decrease, no other one until the imports in flight fit the bound. */
  #draining = false;
  /** Whether the last check found a short stretch. */
  #turning = true;
  /** Until the first long stretch, the bound grows by `rampUp` per round, not `growth`. */
  #slowStart = true;
  /** Growth earned by completed imports, applied in whole slots. */
  #credit = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #cpu = new ThreadCpuClock();
  #lastWall = 0;
  #lastCpu: number | undefined;

  /** @param tuning - the constants; {@link DEFAULT_IMPORT_GATE} unless testing */
  constructor(tuning: ImportGateTuning = DEFAULT_IMPORT_GATE) {
    this.#tuning = tuning;
    this.#limit = tuning.start;
  }

  /** The current bound on imports in flight. */
  get limit(): number {
    return this.#limit;
  }

  /** Imports holding a slot now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes a slot: at once (undefined) or when one is handed over. */
  acquire(): Promise<void> | undefined {
    this.#watch();
    if (this.#inFlight < this.#limit) {
      this.#inFlight += 1;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /**
   * Gives a slot back, handing it to the next waiting import while the bound
   * allows. An import that completes while the loop turns freely and others
   * wait earns `growth` of a slot (`rampUp` at the start): the bound grows by that fraction per round
   * of imports, and only while imports complete (not while they all wait on
   * the disk).
   */
  release(): void {
    this.#inFlight -= 1;
    if (this.#turning && this.#waiting.length > 0) {
      this.#credit += this.#slowStart ? this.#tuning.rampUp : this.#tuning.growth;
      if (this.#credit >= 1) {
        const whole = Math.floor(this.#credit);
        this.#credit -= whole;
        this.#limit = Math.min(this.#tuning.max, this.#limit + whole);
      }
    }
    this.#admit();
  }

  /**
   * Feeds one check of the loop: the length of the stretch since the last
   * one, in ms. The timer calls it; tests call it directly.
   */
  observe(stretchMs: number): void {
    const t = this.#tuning;
    if (this.#draining && this.#inFlight <= this.#limit) this.#draining = false;
    this.#turning = stretchMs <= t.shortMs;
    if (stretchMs > t.longMs) {
      this.#credit = 0;
      this.#slowStart = false;
      if (this.#draining) return;
      const before = this.#limit;
      this.#limit = Math.max(t.min, Math.floor(before / 2));
      this.#draining = this.#inFlight > this.#limit;
      debug(
        'a %s ms stretch of the loop: imports in flight at most %d (was %d)',
        stretchMs.toFixed(1),
        this.#limit,
        before,
      );
    }
  }

  #admit(): void {
    while (this.#inFlight < this.#limit) {
      const next = this.#waiting.shift();
      if (next === undefined) break;
      this.#inFlight += 1;
      next();
    }
  }

  /** Starts the loop check when imports start; it stops once none is in flight or waiting. */
  #watch(): void {
    if (this.#timer !== undefined) return;
    this.#mark();
    const tick = (): void => {
      this.observe(this.#stretch());
      if (this.#inFlight === 0 && this.#waiting.length === 0) {
        this.#idle();
        return;
      }
      this.#timer = setTimeout(tick, this.#tuning.tickMs).unref();
    };
    this.#timer = setTimeout(tick, this.#tuning.tickMs).unref();
  }

  /** Nothing in flight or waiting: the next loading starts afresh, on what may be another folder. */
  #idle(): void {
    this.#timer = undefined;
    this.#cpu.close();
    this.#limit = this.#tuning.start;
    this.#credit = 0;
    this.#draining = false;
    this.#turning = true;
    this.#slowStart = true;
  }

  #mark(): void {
    this.#lastWall = performance.now();
    this.#lastCpu = this.#cpu.now();
  }

  /** The stretch since the last check: the main thread's CPU time in it, at most the wall clock's. */
  #stretch(): number {
    const wall = this.#lastWall;
    const cpu = this.#lastCpu;
    this.#mark();
    const gap = this.#lastWall - wall;
    if (cpu === undefined || this.#lastCpu === undefined) return gap;
    return Math.min(gap, this.#lastCpu - cpu);
  }
}
