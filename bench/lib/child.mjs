// Runs benchmark probes in fresh child processes and alternates the sides of
// a comparison (A, B, A, B, …) so that both see the same machine.
import { spawn } from 'node:child_process';

/**
 * @typedef {object} RunOptions
 * @property {string[]} [nodeArgs] - flags for node itself (`--expose-gc`)
 * @property {string} [node] - the node executable (default: this one)
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number} [timeoutMs] - kill the child after this long (default 5 minutes)
 */

/**
 * Runs a command and collects its output; rejects when it fails.
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<{ stdout: string, stderr: string, ms: number }>} `ms`: wall time of the whole process
 */
export function runCommand(command, args, options = {}) {
  const { cwd, env, timeoutMs = 300_000 } = options;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code === 0) resolve({ stdout, stderr, ms });
      else {
        const why = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new Error(`${command} ${args.join(' ')} failed (${why}):\n${stderr || stdout}`));
      }
    });
  });
}

/**
 * Runs a Node script in a fresh process and parses the JSON object it prints
 * last (one line).
 *
 * @param {string} script - path of the probe
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<Record<string, any>>}
 */
export async function runProbe(script, args, options = {}) {
  const { stdout } = await runCommand(
    options.node ?? process.execPath,
    [...(options.nodeArgs ?? []), script, ...args],
    options,
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`${script} printed no JSON result:\n${stdout}`);
  }
}

/**
 * Measures several sides in alternation: each round runs every side once, in
 * order; the first `warmup` rounds are discarded (cold file cache, JIT of the
 * parent, …).
 *
 * @template T
 * @param {Record<string, () => Promise<T>>} sides
 * @param {{ runs: number, warmup: number, onRound?: (round: number) => void }} plan
 * @returns {Promise<Record<string, T[]>>} the kept samples of each side, in round order
 */
export async function interleave(sides, { runs, warmup, onRound }) {
  /** @type {Record<string, T[]>} */
  const samples = {};
  for (const name of Object.keys(sides)) samples[name] = [];
  for (let round = 0; round < warmup + runs; round += 1) {
    for (const [name, measure] of Object.entries(sides)) {
      const value = await measure();
      if (round >= warmup) samples[name].push(value);
    }
    onRound?.(round);
  }
  return samples;
}
