// Heap samples (in doctor's child, started with --expose-gc) and the slope
// of a series of them (in the CLI).

/** Forced collections per sample: a second and third pass free what the first one's finalizers let go. */
const GC_PASSES = 3;

/**
 * `heapUsed + external` (bytes) after forced garbage collections, with a turn
 * of the event loop between them so that weak callbacks run.
 *
 * @throws Error when the process was not started with `--expose-gc`
 */
export async function sampleHeap(): Promise<number> {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc !== 'function') throw new Error('doctor child started without --expose-gc');
  for (let pass = 0; pass < GC_PASSES; pass += 1) {
    (gc as () => void)();
    await new Promise<void>((done) => setImmediate(done));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Rounds left out of the fit at the start: the first loads fill caches that stay. */
export function warmupRounds(rounds: number): number {
  return Math.min(3, Math.floor(rounds / 4));
}

/** The fewest rounds that give a slope worth reading: warm-up plus five points. */
export const MIN_HEAP_ROUNDS = 8;

/**
 * The least-squares slope of `samples` after the warm-up, in bytes per round;
 * undefined with fewer than {@link MIN_HEAP_ROUNDS} samples.
 *
 * @param samples - one heap size per round, in round order
 */
export function heapSlope(samples: readonly number[]): number | undefined {
  if (samples.length < MIN_HEAP_ROUNDS) return undefined;
  const points = samples.slice(warmupRounds(samples.length));
  const n = points.length;
  const meanX = (n - 1) / 2;
  const meanY = points.reduce((sum, y) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  points.forEach((y, x) => {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  });
  return numerator / denominator;
}
