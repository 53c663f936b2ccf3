// Run settings of the chaos properties (packages/core/test/chaos), read from
// the environment that `npm run test:chaos` sets, and a check that tells how
// to replay a failure.

import fc from 'fast-check';

/** How many runs each chaos property makes: `AUGMENT_CHAOS_RUNS`, else `fallback` (the short run of `npm test`). */
export function chaosRuns(fallback: number): number {
  const runs = Number(process.env.AUGMENT_CHAOS_RUNS);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}

/**
 * The vitest timeout of a chaos test: two minutes for the short run of `npm
 * test`, a day when `AUGMENT_CHAOS_RUNS` asks for a long run.
 */
export const CHAOS_TIMEOUT_MS = process.env.AUGMENT_CHAOS_RUNS === undefined ? 120_000 : 86_400_000;

/** The fast-check parameters of a chaos property: runs, and the seed and path to replay when set. */
export function chaosParameters(fallbackRuns: number): fc.Parameters<unknown> {
  const seed = Number(process.env.AUGMENT_CHAOS_SEED);
  const path = process.env.AUGMENT_CHAOS_PATH;
  return {
    numRuns: chaosRuns(fallbackRuns),
    ...(process.env.AUGMENT_CHAOS_SEED !== undefined && Number.isInteger(seed) ? { seed } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
  };
}

/**
 * Runs an async property like `fc.assert`, but a failure's message ends with
 * the command that replays it (`npm run test:chaos -- --seed S --path P <file>`).
 *
 * @param file - the test file, for the replay command
 * @param examples - cases that failed once (regressions), checked before the generated ones
 */
export async function assertChaos<Ts>(
  property: fc.IAsyncProperty<Ts>,
  file: string,
  fallbackRuns: number,
  examples: Ts[] = [],
): Promise<void> {
  const parameters = chaosParameters(fallbackRuns) as fc.Parameters<Ts>;
  // counterexamples found by earlier long runs run first (not while a path is replayed)
  if (parameters.path === undefined) parameters.examples = examples;
  const details = await fc.check(property, parameters);
  if (!details.failed) return;
  const replay = `npm run test:chaos -- --seed=${details.seed} --path=${details.counterexamplePath ?? ''} ${file}`;
  const report = fc.defaultReportMessage(details) ?? 'property failed';
  const cause = safeDescribe(details.errorInstance);
  throw new Error(`${report}\n\nFailure: ${cause}\n\nReplay this case with:\n  ${replay}\n`);
}

/** Describes any value without ever throwing (for messages about hostile values). */
export function safeDescribe(value: unknown): string {
  try {
    if (value instanceof Error) {
      // an assertion's own message abbreviates both sides: show them in full
      const { actual, expected } = value as { actual?: unknown; expected?: unknown };
      const sides =
        actual === undefined && expected === undefined
          ? ''
          : `\n  actual:   ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(expected)}`;
      return `${value.name}: ${value.message}${sides}`;
    }
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return '<indescribable value>';
    }
  }
}

/** Awaits `work`; a rejection becomes a plain Error that fast-check and vitest can print. */
export async function mustResolve<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    // no `cause`: a hostile value there could break the printing of the error
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`${what} rejected (it must never reject): ${safeDescribe(error)}`);
  }
}
