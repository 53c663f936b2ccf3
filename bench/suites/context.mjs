// What every suite gets from run.mjs.

/**
 * @typedef {object} Context
 * @property {boolean} smoke - smallest sizes, one run each, no discarded run
 * @property {import('../lib/workspace.mjs').Workspace} ws
 * @property {(message: string) => void} log - progress, to stderr
 * @property {(runs: number, warmup?: number) => { runs: number, warmup: number }} plan
 *   - the run counts to use: as given, or 1 and 0 in smoke mode
 * @property {string} resultsDir - where charts go (bench/results)
 */

export {};
