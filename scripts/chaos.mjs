// Runs the chaos tests of @augment/core (packages/core/test/chaos, issue 11)
// with as many runs per property as asked, and prints a one-line summary.
//
//   npm run test:chaos -- [--runs N] [--seed S] [--path P] [vitest args...]
//
// --runs  runs per property (AUGMENT_CHAOS_RUNS; default: each test's short run)
// --seed  fast-check seed (AUGMENT_CHAOS_SEED; default: a random one, printed)
// --path  replay one counterexample path (AUGMENT_CHAOS_PATH); give the seed
//         and the test file (and -t name) that the failure message printed
// Anything else (test files, -t "name") goes to vitest as it is; without a
// test file, the whole chaos folder runs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const CHAOS = 'packages/core/test/chaos';

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
    t: { type: 'string', short: 't' },
  },
  allowPositionals: true,
  strict: true,
});

function integer(name, text, min) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`chaos: --${name} must be an integer of at least ${min}, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const runs = values.runs === undefined ? undefined : integer('runs', values.runs, 1);
const seed =
  values.seed === undefined
    ? Math.floor(Math.random() * 2 ** 31) * (Math.random() < 0.5 ? -1 : 1)
    : integer('seed', values.seed, -(2 ** 31));
const targets = positionals.length > 0 ? positionals : [CHAOS];

const env = { ...process.env, AUGMENT_CHAOS_SEED: String(seed) };
if (runs !== undefined) env.AUGMENT_CHAOS_RUNS = String(runs);
if (values.path !== undefined) env.AUGMENT_CHAOS_PATH = values.path;

const args = [VITEST, 'run', ...targets, '--coverage.enabled=false'];
if (values.t !== undefined) args.push('-t', values.t);

const started = performance.now();
const result = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const passed = result.status === 0;
const summary = [
  `chaos: ${passed ? 'passed' : 'FAILED'}`,
  `runs=${runs ?? 'default'}`,
  `seed=${seed}`,
  ...(values.path === undefined ? [] : [`path=${values.path}`]),
  `duration=${seconds} s`,
  `node=${process.version}`,
  `targets=${targets.join(' ')}`,
];
console.log(summary.join(' '));
process.exit(result.status ?? 1);
